using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;

namespace ReportSaga.Testing.Persistence;

public sealed record ScheduledPing(Guid PingId);

/// <summary>What a delivered ping looked like to its consumer.</summary>
public sealed record ReceivedPing(Guid PingId, Guid? MessageId, string? TokenHeader, string? ReportHeader, ActivityTraceId? TraceId);

public sealed class PingLog
{
    private readonly ConcurrentQueue<ReceivedPing> _received = new();

    public IReadOnlyCollection<ReceivedPing> Received => _received;

    public void Add(ReceivedPing ping) => _received.Enqueue(ping);

    public Task<List<ReceivedPing>> WaitForAsync(Guid pingId, int count = 1, TimeSpan? limit = null) =>
        Eventually.Until(() => Task.FromResult(_received.Where(x => x.PingId == pingId).ToList()), l => l.Count >= count, limit);
}

public sealed class PingConsumer(PingLog log) : IConsumer<ScheduledPing>
{
    public Task Consume(ConsumeContext<ScheduledPing> context)
    {
        log.Add(new ReceivedPing(context.Message.PingId, context.MessageId,
            context.Headers.Get<string>(MessageHeaders.SchedulingTokenId),
            context.Headers.Get<string>("X-Report"),
            Activity.Current?.TraceId));
        return Task.CompletedTask;
    }
}

/// <summary>Records every span of the named sources for the test's lifetime (MassTransit only creates spans when listened to).</summary>
public sealed class SpanRecorder : IDisposable
{
    public static readonly ActivitySource TestSource = new("ReportSaga.Tests");
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or "ReportSaga" or "ReportSaga.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();
}
