namespace ReportSaga.BatchApi;

/// <summary>
/// The provider's report statuses, as the client hands them out: normalised once, by <see cref="BatchApiClient"/> as it
/// reads an answer (<see cref="Normalize"/>), so everything after it compares with these constants only.
/// </summary>
public static class ProviderStatuses
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Retry = "retry";
    public const string BadRequest = "bad_request";
    public const string InternalError = "internal_error";

    /// <summary>The report will not change any more by itself: it completed, or failed (a retry call may revive an internal_error).</summary>
    public static bool IsFinal(string status) => status is Completed or BadRequest or InternalError;

    /// <summary>Lower-cases and turns spaces and dashes into underscores: "Internal Error" → "internal_error".</summary>
    internal static string Normalize(string? status) =>
        (status ?? "").Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
}
