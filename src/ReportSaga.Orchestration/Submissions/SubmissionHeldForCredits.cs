namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Internal: the gate holds the report because the account's remaining credits do not cover its estimate plus the
/// estimates of the reports in flight. Sent once per report to the saga's own queue; the report keeps waiting in line
/// and tells its subscribers (<c>ReportStatusChanged</c>, status <c>awaiting_credits</c>).
/// </summary>
public sealed record SubmissionHeldForCredits
{
    public Guid RequestId { get; init; }
    public long EstimatedCredits { get; init; }
    public long AvailableCredits { get; init; }
}
