namespace ReportSaga.Orchestration.Telemetry;

/// <summary>Values of <c>reportsaga.submission_gate.report.state</c>.</summary>
public static class SubmissionGateStates
{
    /// <summary>Granted a slot: at the provider, or about to be.</summary>
    public const string InFlight = "in_flight";

    /// <summary>Validated and in line for a slot.</summary>
    public const string Waiting = "waiting";
}
