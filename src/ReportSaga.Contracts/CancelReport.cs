namespace ReportSaga.Contracts;

/// <summary>
/// Stops tracking a report; it ends with <see cref="ReportFailed"/> and reason <c>cancelled</c>.
/// The provider has no cancel call, so a report already submitted may still be charged.
/// </summary>
public sealed record CancelReport
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }
}
