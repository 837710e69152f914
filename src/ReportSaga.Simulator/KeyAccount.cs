namespace ReportSaga.Simulator;

/// <summary>One api-key's credits and reports.</summary>
internal sealed class KeyAccount(long initialCredits)
{
    private long _credits = initialCredits;
    private readonly List<SimulatedReport> _reports = [];

    /// <summary>Held while checking the pending limit and credits and adding a report, so concurrent submissions cannot overshoot.</summary>
    public object SubmissionGate { get; } = new();

    public long Credits => Interlocked.Read(ref _credits);

    public void Charge(long amount) => Interlocked.Add(ref _credits, -amount);

    public void Add(SimulatedReport report)
    {
        lock (_reports)
        {
            _reports.Add(report);
        }
    }

    public SimulatedReport[] Reports()
    {
        lock (_reports)
        {
            return _reports.ToArray();
        }
    }
}
