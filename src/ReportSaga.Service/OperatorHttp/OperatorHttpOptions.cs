namespace ReportSaga.Service.OperatorHttp;

/// <summary>The <c>Http</c> section as set; <see cref="OperatorHttpSettings"/> is what the service makes of it.</summary>
public sealed class OperatorHttpOptions
{
    public const string SectionName = "Http";

    /// <summary><c>Http__ApiKeys</c>: the accepted keys, comma-separated. Secrets: never logged.</summary>
    public string? ApiKeys { get; set; }

    /// <summary><c>Http__Authentication</c>: <c>ApiKey</c> (the default) or <c>None</c>.</summary>
    public string? Authentication { get; set; }

    /// <summary><c>Http__RateLimitPermits</c>: report API requests one caller may make per window.</summary>
    public int RateLimitPermits { get; set; } = 100;

    /// <summary><c>Http__RateLimitWindow</c>.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The keys, split and trimmed.</summary>
    internal string[] KeyList => (ApiKeys ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary><c>Http__Authentication=None</c>, in any case.</summary>
    internal bool AuthenticationOff => string.Equals(Authentication, "None", StringComparison.OrdinalIgnoreCase);
}
