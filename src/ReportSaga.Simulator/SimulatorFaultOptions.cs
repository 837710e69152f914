namespace ReportSaga.Simulator;

/// <summary>
/// Faults applied to every request of an endpoint (section <c>Simulator:Faults</c>). Rates are probabilities
/// between 0 and 1; a faulted request is answered with <see cref="ErrorStatusCode"/> before anything else happens,
/// so a faulted request-report creates no report.
/// </summary>
public sealed class SimulatorFaultOptions
{
    public double ValidateErrorRate { get; set; }
    public double RequestReportErrorRate { get; set; }
    public double StatusErrorRate { get; set; }
    public double RetryErrorRate { get; set; }
    public double CreditsErrorRate { get; set; }

    /// <summary>The status code of a random fault.</summary>
    public int ErrorStatusCode { get; set; } = 500;

    /// <summary>Added to every Batch API request before it is handled (real time, not the simulator's clock).</summary>
    public TimeSpan Latency { get; set; }

    public double RateFor(SimulatorEndpoint endpoint) => endpoint switch
    {
        SimulatorEndpoint.Validate => ValidateErrorRate,
        SimulatorEndpoint.RequestReport => RequestReportErrorRate,
        SimulatorEndpoint.Status => StatusErrorRate,
        SimulatorEndpoint.Retry => RetryErrorRate,
        SimulatorEndpoint.Credits => CreditsErrorRate,
        _ => 0,
    };
}
