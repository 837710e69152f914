namespace ReportSaga.Orchestration.Telemetry;

/// <summary>Values of the <c>outcome</c> tag on finished reports.</summary>
public static class ReportOutcomes
{
    public const string Completed = "completed";
    public const string Failed = "failed";
}
