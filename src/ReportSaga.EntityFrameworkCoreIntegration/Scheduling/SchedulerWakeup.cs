namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>Wakes this process's dispatcher when a message due before its next look is stored.</summary>
internal sealed class SchedulerWakeup
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_signal.CurrentCount == 0)
                _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for <paramref name="delay"/> on <paramref name="time"/> or until <see cref="Notify"/>.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
            return;

        using var race = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = _signal.WaitAsync(race.Token);
        var elapsed = Task.Delay(delay, time, race.Token);
        await Task.WhenAny(signalled, elapsed);
        await race.CancelAsync();
        try
        {
            await Task.WhenAll(signalled, elapsed);
        }
        catch (OperationCanceledException)
        {
            // The loser of the race.
        }
        cancellationToken.ThrowIfCancellationRequested();
    }
}
