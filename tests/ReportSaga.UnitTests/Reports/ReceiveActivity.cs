using MassTransit;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Counts messages the bus has started and finished receiving, so a test can wait until everything due at the
/// current fake time has been handled before moving time on (the harness's own inactivity task fires only once).
/// </summary>
public sealed class ReceiveActivity : IReceiveObserver
{
    private long _started;
    private long _finished;

    public async Task SettleAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var lastStarted = -1L;
        var quietChecks = 0;
        while (DateTime.UtcNow < deadline)
        {
            // Quiet for three checks in a row: on a loaded machine the hop from one message to the next can
            // take longer than one check's pause.
            var started = Interlocked.Read(ref _started);
            quietChecks = started == Interlocked.Read(ref _finished) && started == lastStarted ? quietChecks + 1 : 0;
            if (quietChecks >= 3)
                return;
            lastStarted = started;
            await Task.Delay(25);
        }

        throw new TimeoutException($"The bus was still busy after {limit}: {_started} messages started, {_finished} finished.");
    }

    public Task PreReceive(ReceiveContext context)
    {
        Interlocked.Increment(ref _started);
        return Task.CompletedTask;
    }

    public Task PostReceive(ReceiveContext context) => Finish(context);

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception) => Finish(context);

    /// <summary>
    /// Counts a message once, however it ended: a message that faults before it is consumed (one that cannot be
    /// deserialized, say) is reported both as a receive fault and as received.
    /// </summary>
    private Task Finish(ReceiveContext context)
    {
        if (!context.TryGetPayload<FinishedMark>(out _) && context.GetOrAddPayload(() => new FinishedMark()) is not null)
            Interlocked.Increment(ref _finished);
        return Task.CompletedTask;
    }

    private sealed class FinishedMark;
}
