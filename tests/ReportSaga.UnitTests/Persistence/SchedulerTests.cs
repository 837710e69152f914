using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The durable scheduler on SQLite, driven by a fake clock.</summary>
public sealed class When_a_message_is_scheduled_durably : IAsyncLifetime
{
    private static readonly Uri PingQueue = new("queue:scheduled-ping");
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(_storage.Settings,
            configureBus: x =>
            {
                x.AddDurableMessageScheduler(o => o.RunDispatcher = false);
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<PingLog>();
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
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
            Destination = new Uri("queue:scheduled-ping"),
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
}

/// <summary>The scheduler's hosted dispatcher, woken by the fake clock rather than driven by hand.</summary>
public sealed class When_the_scheduler_runs_as_a_hosted_service : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(_storage.Settings,
            configureBus: x =>
            {
                x.AddDurableMessageScheduler(o => o.PollInterval = TimeSpan.FromSeconds(5));
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<PingLog>();
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task The_message_goes_out_once_the_clock_reaches_its_due_time()
    {
        var pingId = Guid.NewGuid();
        var due = _time.GetUtcNow().UtcDateTime.AddHours(1);
        await using (var scope = _host.Provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IMessageScheduler>()
                .ScheduleSend(new Uri("queue:scheduled-ping"), due, new ScheduledPing(pingId));
        await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.CountAsync()), n => n == 1);

        var log = _host.Provider.GetRequiredService<PingLog>();
        // Move the fake clock on in steps until the dispatcher, sleeping on it, has sent the message; note the
        // clock's reading when the message was first seen.
        var seenAt = await Eventually.Until(async () =>
        {
            var before = _time.GetUtcNow().UtcDateTime;
            await Task.Delay(50);
            if (log.Received.Any(x => x.PingId == pingId))
                return (DateTime?)before;
            _time.Advance(TimeSpan.FromMinutes(5));
            return null;
        }, at => at is not null);

        Assert.NotNull(seenAt);
        Assert.True(seenAt >= due, $"sent at fake {seenAt:O}, due {due:O}");
        Assert.Single(log.Received, x => x.PingId == pingId);
        Assert.Equal(0, await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.CountAsync()), n => n == 0));
    }
}
