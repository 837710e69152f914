namespace ReportSaga.Contracts;

/// <summary>The answer to <see cref="GetReportStatus"/> for a request id ReportSaga does not know.</summary>
public sealed record ReportNotFound
{
    /// <summary>The request id that was asked for.</summary>
    public Guid RequestId { get; init; }
}
