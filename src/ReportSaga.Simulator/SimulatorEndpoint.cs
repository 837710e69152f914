namespace ReportSaga.Simulator;

/// <summary>The simulator's endpoints, as counted by <see cref="SimulatorState.CallCount"/>.</summary>
public enum SimulatorEndpoint
{
    Validate,
    RequestReport,
    Status,
    Retry,
    Credits,
    Download,
}
