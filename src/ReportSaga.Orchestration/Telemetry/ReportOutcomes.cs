namespace ReportSaga.Orchestration.Telemetry;

/// <summary>Values of <c>reportsaga.report.outcome</c> on finished reports.</summary>
public static class ReportOutcomes
{
    public const string Completed = "completed";
    public const string Failed = "failed";
}
