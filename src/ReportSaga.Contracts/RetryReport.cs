namespace ReportSaga.Contracts;

/// <summary>Internal command: call the provider's retry endpoint for a report that ended in <c>internal_error</c>.</summary>
public sealed record RetryReport
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";
}
