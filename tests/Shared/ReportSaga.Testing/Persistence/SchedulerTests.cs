using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Scheduling;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The durable scheduler, its dispatcher driven by hand on a fake clock: a message goes out at its due time with its
/// token, headers and trace; a cancelled one never does, even when the cancel comes first; lag and backlog are
/// measured; and dispatchers running at once send each due message once. Written once; each database's subclass gives
/// the storage and the transport.
/// </summary>
public abstract class SchedulerTests : IAsyncLifetime
{
    private static readonly Uri PingQueue = new("queue:scheduled-ping");
    // A whole second: PostgreSQL keeps microseconds, so a clock reading in finer ticks would not read back the same.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private PersistenceTestHost _host = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>The broker the bus runs on (read after <see cref="CreateStorageAsync"/>).</summary>
    protected virtual TestTransport Transport => TestTransport.InMemory;

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageAsync();
        _host = await PersistenceTestHost.StartAsync(settings,
            configureBus: x =>
            {
                x.AddDurableMessageScheduler(o =>
                {
                    o.RunDispatcher = false;
                    // Small batches, so dispatchers draining at once take turns many times.
                    o.BatchSize = 4;
                });
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<PingLog>();
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context),
            transport: Transport);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    private ScheduledMessageDispatcher Dispatcher => _host.Provider.GetRequiredService<ScheduledMessageDispatcher>();
    private PingLog Pings => _host.Provider.GetRequiredService<PingLog>();

    private async Task<ScheduledMessage<ScheduledPing>> ScheduleAsync(Guid pingId, DateTime due)
    {
        await using var scope = _host.Provider.CreateAsyncScope();
        var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
        return await scheduler.ScheduleSend(PingQueue, due, new ScheduledPing(pingId),
            Pipe.Execute<SendContext<ScheduledPing>>(c => c.Headers.Set("X-Report", "report-42")));
    }

    private Task<ScheduledMessageRecord?> RowAsync(Guid tokenId) =>
        _host.QueryAsync(db => db.ScheduledMessages.AsNoTracking().SingleOrDefaultAsync(x => x.TokenId == tokenId));

    [Fact]
    public async Task It_is_sent_at_its_due_time_with_its_token_headers_and_trace()
    {
        using var spans = new SpanRecorder();
        var pingId = Guid.NewGuid();
        var due = _time.GetUtcNow().UtcDateTime.AddMinutes(10);

        System.Diagnostics.ActivityTraceId requestTrace;
        ScheduledMessage<ScheduledPing> scheduled;
        using (var request = SpanRecorder.TestSource.StartActivity("request"))
        {
            requestTrace = request!.TraceId;
            scheduled = await ScheduleAsync(pingId, due);
        }
        System.Diagnostics.Activity.Current = null;

        var row = await Eventually.Until(() => RowAsync(scheduled.TokenId), r => r is not null);
        Assert.Equal(due, row!.DueTime);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Sent);

        _time.Advance(TimeSpan.FromSeconds(1));
        int sent;
        using (SpanRecorder.TestSource.StartActivity("an unrelated poll span"))
            sent = (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Sent;

        Assert.Equal(1, sent);
        var ping = Assert.Single(await Pings.WaitForAsync(pingId));
        Assert.Equal(scheduled.TokenId.ToString("N"), ping.TokenHeader);
        Assert.Equal("report-42", ping.ReportHeader);
        Assert.Equal(row.MessageId, ping.MessageId);
        Assert.Equal(requestTrace, ping.TraceId);
        Assert.Null(await RowAsync(scheduled.TokenId));
    }

    [Fact]
    public async Task A_cancelled_message_is_never_sent()
    {
        var pingId = Guid.NewGuid();
        var scheduled = await ScheduleAsync(pingId, _time.GetUtcNow().UtcDateTime.AddMinutes(1));
        await Eventually.Until(() => RowAsync(scheduled.TokenId), r => r is not null);

        await using (var scope = _host.Provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IMessageScheduler>().CancelScheduledSend(PingQueue, scheduled.TokenId);
        await Eventually.Until(() => RowAsync(scheduled.TokenId), r => r?.Cancelled == true);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Sent);
        Assert.False(await _host.Harness.Consumed.Any<ScheduledPing>(x => x.Context.Message.PingId == pingId));

        // The tombstone is kept for the retention period, then removed.
        _time.Advance(new DurableSchedulerOptions().CancellationRetention);
        await Dispatcher.RunPassAsync(CancellationToken.None);
        Assert.Null(await RowAsync(scheduled.TokenId));
    }

    [Fact]
    public async Task A_cancel_that_arrives_before_its_schedule_wins()
    {
        var token = Guid.NewGuid();
        var pingId = Guid.NewGuid();
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new DurableSchedulerOptions().Address);

        await endpoint.Send<CancelScheduledMessage>(new { CorrelationId = Guid.NewGuid(), TokenId = token, Timestamp = DateTime.UtcNow });
        await Eventually.Until(() => RowAsync(token), r => r?.Cancelled == true);
        await endpoint.Send<ScheduleMessage>(new
        {
            CorrelationId = token,
            ScheduledTime = _time.GetUtcNow().UtcDateTime,
            PayloadType = new[] { MessageUrn.ForTypeString<ScheduledPing>() },
            Destination = PingQueue,
            Payload = new ScheduledPing(pingId),
        });
        Assert.True(await _host.Harness.Consumed.Any<ScheduleMessage>(x => x.Context.Message.CorrelationId == token));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Sent);
        Assert.True((await RowAsync(token))!.Cancelled);
    }

    [Fact]
    public async Task Lag_and_backlog_are_measured()
    {
        var lags = new List<double>();
        var backlog = new List<long>();
        var factory = _host.Provider.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ReportSaga" && instrument.Meter.Scope == factory
                && instrument.Name is "reportsaga.scheduler.lag" or "reportsaga.scheduler.backlog")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (lags) lags.Add(value); });
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => { lock (backlog) backlog.Add(value); });
        listener.Start();

        var due = _time.GetUtcNow().UtcDateTime.AddMinutes(1);
        var tokens = new List<Guid>();
        for (var i = 0; i < 3; i++)
            tokens.Add((await ScheduleAsync(Guid.NewGuid(), due)).TokenId);
        foreach (var token in tokens)
            await Eventually.Until(() => RowAsync(token), r => r is not null);

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(5));
        await Dispatcher.MeasureBacklogAsync(CancellationToken.None);
        listener.RecordObservableInstruments();
        Assert.Equal(3, backlog.Last());

        await Dispatcher.RunPassAsync(CancellationToken.None);
        listener.RecordObservableInstruments();

        Assert.Equal(0, backlog.Last());
        Assert.Equal([5.0, 5.0, 5.0], lags);
    }

    [Fact]
    public async Task Dispatchers_running_at_once_send_each_due_message_once()
    {
        var pings = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToList();
        var due = _time.GetUtcNow().UtcDateTime.AddMinutes(1);
        await using (var scope = _host.Provider.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
            foreach (var ping in pings)
                await scheduler.ScheduleSend(PingQueue, due, new ScheduledPing(ping));
        }
        await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.CountAsync()), n => n == pings.Count);
        _time.Advance(TimeSpan.FromMinutes(2));

        var first = Dispatcher;
        var second = ActivatorUtilities.CreateInstance<ScheduledMessageDispatcher>(_host.Provider);
        var counts = await Task.WhenAll(DrainAsync(first), DrainAsync(second), DrainAsync(first), DrainAsync(second));

        Assert.Equal(pings.Count, counts.Sum());
        await Eventually.Until(() => Task.FromResult(Pings.Received.Count), n => n >= pings.Count);
        await _host.Harness.InactivityTask; // let any duplicate arrive before counting
        Assert.Equal(pings.Order(), Pings.Received.Select(x => x.PingId).Order());
        Assert.Equal(0, await _host.QueryAsync(db => db.ScheduledMessages.CountAsync()));
    }

    private static async Task<int> DrainAsync(ScheduledMessageDispatcher dispatcher)
    {
        var total = 0;
        int sent;
        while ((sent = (await dispatcher.DispatchBatchAsync(CancellationToken.None)).Sent) > 0)
            total += sent;
        return total;
    }
}
