namespace ReportSaga.Simulator;

/// <summary>A report the simulator accepted: what it was asked, and its lifecycle.</summary>
internal sealed class SimulatedReport
{
    private int _statusCalls;
    private int _retryCalls;

    public SimulatedReport(string id, string apiKey, ValidatedReport request, DateTimeOffset submittedAt, TimeSpan processingTime, Action<long> charge)
    {
        Id = id;
        ApiKey = apiKey;
        Request = request;
        SubmittedAt = submittedAt;
        UsedQuota = request.Markers.Quota ?? request.DataPoints;
        Lifecycle = new ReportLifecycle(submittedAt, request.Markers.ProcessingTime ?? processingTime, request.Markers, UsedQuota, charge);
    }

    public string Id { get; }
    public string ApiKey { get; }
    public ValidatedReport Request { get; }
    public DateTimeOffset SubmittedAt { get; }
    public long UsedQuota { get; }
    public ReportLifecycle Lifecycle { get; }

    /// <summary>Counts this report's status calls; the result is the call's 1-based number.</summary>
    public int NextStatusCall() => Interlocked.Increment(ref _statusCalls);

    /// <summary>How many status calls this report has had.</summary>
    public int StatusCalls => Volatile.Read(ref _statusCalls);

    /// <summary>Counts this report's retry calls; the result is the call's 1-based number.</summary>
    public int NextRetryCall() => Interlocked.Increment(ref _retryCalls);

    public SubmittedReport Snapshot(DateTimeOffset now)
    {
        var view = Lifecycle.Observe(now);
        return new SubmittedReport(Id, Request.ReportName, view.Status, SubmittedAt, Request.EstimatedCredits, view.UsedQuota, Lifecycle.Retries);
    }
}
