namespace ReportSaga.Contracts;

/// <summary>The values of <see cref="RequestReport.Priority"/>, exactly as written here (lower case).</summary>
public static class ReportPriorities
{
    /// <summary>Granted a submission slot after every waiting normal and high report.</summary>
    public const string Low = "low";

    /// <summary>What an absent or null priority means.</summary>
    public const string Normal = "normal";

    /// <summary>Granted a submission slot before every waiting normal and low report.</summary>
    public const string High = "high";

    /// <summary>The accepted values, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Low, Normal, High];

    /// <summary>The priority's rank for ordering (low 0, normal 1, high 2); -1 for a value that is not one of them.</summary>
    public static int Rank(string? priority) => priority switch
    {
        null or Normal => 1,
        Low => 0,
        High => 2,
        _ => -1,
    };
}
