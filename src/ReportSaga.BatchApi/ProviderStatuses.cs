namespace ReportSaga.BatchApi;

/// <summary>The provider's report statuses, as the client hands them out (spaces read as underscores).</summary>
public static class ProviderStatuses
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Retry = "retry";
    public const string BadRequest = "bad_request";
    public const string InternalError = "internal_error";

    /// <summary>Lower-cases and turns spaces and dashes into underscores: "Internal Error" → "internal_error".</summary>
    public static string Normalize(string? status) =>
        (status ?? "").Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
}
