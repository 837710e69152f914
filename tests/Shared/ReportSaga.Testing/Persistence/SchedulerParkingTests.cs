using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The durable scheduler with a row whose destination the transport refuses (the in-memory transport takes no
/// <c>rabbitmq://</c> address, on every database: the refusal is the means, the rows under test are the database's),
/// driven by a fake clock: the rows behind it go out, it waits longer after each failure, at the limit it is parked,
/// logged, counted and never sent again, and a new schedule under its token starts afresh. Written once; each
/// database's subclass gives the storage (RabbitMQ's own refusal is tested in the integration tests).
/// </summary>
public abstract class SchedulerParkingTests : IAsyncLifetime
{
    private static readonly Uri PingQueue = new("queue:scheduled-ping");
    private static readonly Uri RefusedDestination = new("rabbitmq://elsewhere/refused-queue");
    private const int ParkAfterAttempts = 3;

    // A whole second: PostgreSQL keeps microseconds, so a clock reading in finer ticks would not read back the same.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private PersistenceTestHost _host = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(await CreateStorageAsync(),
            configureBus: x =>
            {
                x.AddDurableMessageScheduler(o =>
                {
                    o.RunDispatcher = false;
                    o.RetryDelay = TimeSpan.FromSeconds(1);
                    o.MaxRetryDelay = TimeSpan.FromSeconds(4);
                    o.ParkAfterAttempts = ParkAfterAttempts;
                });
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<PingLog>();
                services.AddFakeLogging();
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    private ScheduledMessageDispatcher Dispatcher => _host.Provider.GetRequiredService<ScheduledMessageDispatcher>();
    private PingLog Pings => _host.Provider.GetRequiredService<PingLog>();
    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private async Task<Guid> ScheduleAsync(Uri destination, Guid pingId, DateTime due)
    {
        await using var scope = _host.Provider.CreateAsyncScope();
        var scheduled = await scope.ServiceProvider.GetRequiredService<IMessageScheduler>()
            .ScheduleSend(destination, due, new ScheduledPing(pingId));
        await Eventually.Until(() => RowAsync(scheduled.TokenId), r => r is not null);
        return scheduled.TokenId;
    }

    private Task<ScheduledMessageRecord?> RowAsync(Guid tokenId) =>
        _host.QueryAsync(db => db.ScheduledMessages.AsNoTracking().SingleOrDefaultAsync(x => x.TokenId == tokenId));

    [Fact]
    public async Task The_rows_behind_it_go_out_and_it_waits_longer_after_each_failure()
    {
        var due = Now.AddMinutes(1);
        var badToken = await ScheduleAsync(RefusedDestination, Guid.NewGuid(), due);
        var good = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await ScheduleAsync(PingQueue, good[0], due.AddSeconds(1));
        await ScheduleAsync(PingQueue, good[1], due.AddSeconds(2));
        _time.Advance(TimeSpan.FromMinutes(2));

        var first = await Dispatcher.DispatchBatchAsync(CancellationToken.None);

        Assert.Equal((3, 2, 1, 0), (first.Taken, first.Sent, first.Failed, first.Parked));
        foreach (var ping in good)
            Assert.Single(await Pings.WaitForAsync(ping));
        var bad = (await RowAsync(badToken))!;
        Assert.Equal(1, bad.FailedAttempts);
        Assert.Equal(Now + TimeSpan.FromSeconds(1), bad.NextAttemptAt);
        Assert.Null(bad.ParkedAt);
        Assert.Contains("rabbitmq", bad.LastError);

        // Until its next attempt is due, the dispatcher leaves it alone.
        Assert.Equal(0, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Taken);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Failed);

        bad = (await RowAsync(badToken))!;
        Assert.Equal(2, bad.FailedAttempts);
        Assert.Equal(Now + TimeSpan.FromSeconds(2), bad.NextAttemptAt);
    }

    [Fact]
    public async Task At_the_limit_it_is_parked_logged_counted_and_never_sent_again()
    {
        var factory = _host.Provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var parkedGauge = new MetricCollector<long>(factory, "ReportSaga", "reportsaga.scheduler.parked");
        using var backlogGauge = new MetricCollector<long>(factory, "ReportSaga", "reportsaga.scheduler.backlog");
        using var failedAttempts = new MetricCollector<long>(factory, "ReportSaga", "reportsaga.scheduler.failed_attempts");
        var badPing = Guid.NewGuid();
        var badToken = await ScheduleAsync(RefusedDestination, badPing, Now.AddMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        for (var attempt = 0; attempt < ParkAfterAttempts; attempt++)
        {
            await Dispatcher.RunPassAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(4));
        }

        var parked = (await RowAsync(badToken))!;
        Assert.Equal(ParkAfterAttempts, parked.FailedAttempts);
        Assert.NotNull(parked.ParkedAt);
        Assert.NotNull(parked.LastError);

        var log = _host.Provider.GetFakeLogCollector().GetSnapshot()
            .Single(r => r.Level == LogLevel.Error && r.Category == typeof(ScheduledMessageDispatcher).FullName);
        Assert.Contains(badToken.ToString(), log.Message);
        Assert.Contains(RefusedDestination.ToString(), log.Message);
        Assert.DoesNotContain(badPing.ToString(), log.Message);

        parkedGauge.RecordObservableInstruments();
        backlogGauge.RecordObservableInstruments();
        Assert.Equal(1, parkedGauge.LastMeasurement!.Value);
        Assert.Equal(0, backlogGauge.LastMeasurement!.Value);
        Assert.Equal(ParkAfterAttempts, failedAttempts.GetMeasurementSnapshot().Sum(m => m.Value));

        // Days later it is still there, untouched, and no pass tries it.
        _time.Advance(TimeSpan.FromDays(2));
        await Dispatcher.RunPassAsync(CancellationToken.None);
        Assert.Equal(0, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Taken);
        var later = (await RowAsync(badToken))!;
        Assert.Equal((ParkAfterAttempts, parked.ParkedAt), (later.FailedAttempts, later.ParkedAt));
        Assert.Equal(ParkAfterAttempts, failedAttempts.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task A_new_schedule_under_the_token_of_a_parked_row_starts_afresh()
    {
        var token = await ScheduleAsync(RefusedDestination, Guid.NewGuid(), Now);
        for (var attempt = 0; attempt < ParkAfterAttempts; attempt++)
        {
            await Dispatcher.DispatchBatchAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(4));
        }
        Assert.NotNull((await RowAsync(token))!.ParkedAt);

        var pingId = Guid.NewGuid();
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new DurableSchedulerOptions().Address);
        await endpoint.Send<MassTransit.Scheduling.ScheduleMessage>(new
        {
            CorrelationId = token,
            ScheduledTime = Now,
            PayloadType = new[] { MessageUrn.ForTypeString<ScheduledPing>() },
            Destination = PingQueue,
            Payload = new ScheduledPing(pingId),
        });
        var replaced = await Eventually.Until(() => RowAsync(token), r => r?.ParkedAt is null);
        Assert.Equal((0, null), (replaced!.FailedAttempts, replaced.LastError));

        Assert.Equal(1, (await Dispatcher.DispatchBatchAsync(CancellationToken.None)).Sent);
        Assert.Single(await Pings.WaitForAsync(pingId));
    }
}
