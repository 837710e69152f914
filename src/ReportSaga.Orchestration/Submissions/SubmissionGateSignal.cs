namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Wakes this instance's <see cref="SubmissionGranter"/> when a report joins the line or frees a slot, so a slot is
/// granted at once rather than at the next poll. Process-local: other instances find the change at their next poll.
/// </summary>
public sealed class SubmissionGateSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private int _pending;
    private int _running;

    /// <summary>True while a notification waits for a pass or a pass runs (tests wait for it to settle).</summary>
    public bool Busy => Volatile.Read(ref _pending) != 0 || Volatile.Read(ref _running) != 0;

    /// <summary>Asks for a grant pass soon; many notifications before the pass make one pass.</summary>
    public void Notify()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
            _signal.Release();
    }

    /// <summary>Waits for a notification or the timeout, then marks a pass as running; true when notified.</summary>
    internal async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var notified = await _signal.WaitAsync(timeout, cancellationToken);
        Volatile.Write(ref _running, 1);
        // Cleared only after the semaphore was taken, so a notification during the pass asks for another one.
        if (notified)
            Volatile.Write(ref _pending, 0);
        return notified;
    }

    /// <summary>The pass has finished.</summary>
    internal void PassFinished() => Volatile.Write(ref _running, 0);
}
