namespace ReportSaga.Orchestration.Telemetry;

/// <summary>The submission gate as last counted, for its instruments: reports holding a slot, waiting, and the cap.</summary>
public sealed record SubmissionGateReading(long InFlight, long Waiting, long MaxInFlight);
