using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The outbox sweep with one consumed message whose event goes to a destination the transport refuses (the in-memory
/// transport takes no <c>rabbitmq://</c> address, on every database: the refusal is the means, the rows under test are
/// the database's), driven by a fake clock: the messages behind it go out, it waits longer after each failure, and at
/// the limit it is parked, logged, counted, kept and never sent again. Written once; each database's subclass gives the
/// storage (RabbitMQ's own refusal is tested in the integration tests).
/// </summary>
public abstract class OutboxParkingTests : IAsyncLifetime
{
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
                x.AddReportSagaOutbox(o =>
                {
                    o.RunDeliverySweep = false;
                    o.RunInboxCleanup = false;
                    o.DeliveryRetryDelay = TimeSpan.FromSeconds(1);
                    o.DeliveryMaxRetryDelay = TimeSpan.FromSeconds(4);
                    o.DeliveryParkAfterAttempts = ParkAfterAttempts;
                    // Every consume "crashes" after its commit, so only the sweep delivers.
                    o.AfterConsumeCommitted = _ => throw new SimulatedCrashException("the process died after the commit");
                });
                x.AddConsumer<PlaceTestOrderConsumer>().Endpoint(e => e.Name = "place-order");
                x.AddConsumer<OrderPlacedSubscriber>().Endpoint(e => e.Name = "order-placed-subscriber");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<SideEffects>();
                services.AddSingleton<OrderPlacedLog>();
                services.AddFakeLogging();
            });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    private OutboxDeliveryService Deliveries => _host.Provider.GetRequiredService<OutboxDeliveryService>();
    private OrderPlacedLog Placed => _host.Provider.GetRequiredService<OrderPlacedLog>();

    /// <summary>Places an order whose consume commits and then "crashes"; one clock second apart, so the sweep takes them in order.</summary>
    private async Task<(Guid Order, Guid MessageId)> PlaceOrderAsync()
    {
        var order = (Order: Guid.NewGuid(), MessageId: Guid.NewGuid());
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new Uri("queue:place-order"));
        await endpoint.Send(new PlaceTestOrder(order.Order), c => c.MessageId = order.MessageId);
        await Eventually.Until(() => _host.QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == order.MessageId && x.Consumed != null)), c => c);
        _time.Advance(TimeSpan.FromSeconds(1));
        return order;
    }

    /// <summary>Points the stored event of <paramref name="messageId"/>'s consume at an address the transport refuses.</summary>
    private Task RefuseDestinationOfAsync(Guid messageId) =>
        _host.QueryAsync(db => db.OutboxMessages.Where(x => x.InboxMessageId == messageId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DestinationAddress, new Uri("rabbitmq://elsewhere/refused-exchange"))));

    private Task<InboxState> InboxAsync(Guid messageId) =>
        _host.QueryAsync(db => db.InboxStates.AsNoTracking().SingleAsync(x => x.MessageId == messageId));

    [Fact]
    public async Task The_messages_behind_it_go_out_and_it_waits_longer_after_each_failure()
    {
        var bad = await PlaceOrderAsync();
        var good = new[] { await PlaceOrderAsync(), await PlaceOrderAsync() };
        await RefuseDestinationOfAsync(bad.MessageId);
        _time.Advance(TimeSpan.FromMinutes(1));

        var sweep = await Deliveries.DeliverBatchAsync(CancellationToken.None);

        Assert.Equal((3, 2, 1, 0), (sweep.Taken, sweep.Delivered, sweep.Failed, sweep.Parked));
        foreach (var (order, _) in good)
            Assert.Single(await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0));
        var inbox = await InboxAsync(bad.MessageId);
        Assert.Equal(1, inbox.FailedDeliveries);
        Assert.Equal(_time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1), inbox.NextDeliveryAt);
        Assert.Null(inbox.Parked);
        Assert.Null(inbox.Delivered);
        Assert.Contains("rabbitmq", inbox.LastDeliveryError);

        // Until its next attempt is due, neither the sweep nor a hand-over touches it.
        Assert.Equal(0, (await Deliveries.DeliverBatchAsync(CancellationToken.None)).Taken);
        Assert.False(await Deliveries.DeliverOneAsync(bad.MessageId, inbox.ConsumerId, CancellationToken.None));
        Assert.Equal(1, (await InboxAsync(bad.MessageId)).FailedDeliveries);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await Deliveries.DeliverBatchAsync(CancellationToken.None)).Failed);
        inbox = await InboxAsync(bad.MessageId);
        Assert.Equal(2, inbox.FailedDeliveries);
        Assert.Equal(_time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(2), inbox.NextDeliveryAt);
    }

    [Fact]
    public async Task At_the_limit_it_is_parked_logged_counted_kept_and_never_sent_again()
    {
        var factory = _host.Provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var parkedGauge = new MetricCollector<long>(factory, "ReportSaga", "reportsaga.outbox.parked");
        using var backlogGauge = new MetricCollector<long>(factory, "ReportSaga", "reportsaga.outbox.backlog");
        using var failedAttempts = new MetricCollector<long>(factory, "ReportSaga", "reportsaga.outbox.failed_attempts");
        var bad = await PlaceOrderAsync();
        await RefuseDestinationOfAsync(bad.MessageId);
        _time.Advance(TimeSpan.FromMinutes(1));

        for (var attempt = 0; attempt < ParkAfterAttempts; attempt++)
        {
            await Deliveries.DeliverBatchAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(4));
        }

        var inbox = await InboxAsync(bad.MessageId);
        Assert.Equal(ParkAfterAttempts, inbox.FailedDeliveries);
        Assert.NotNull(inbox.Parked);
        Assert.Null(inbox.Delivered);
        Assert.Equal(1, await _host.QueryAsync(db => db.OutboxMessages.CountAsync(x => x.InboxMessageId == bad.MessageId)));

        var log = _host.Provider.GetFakeLogCollector().GetSnapshot()
            .Single(r => r.Level == LogLevel.Error && r.Category == typeof(OutboxDeliveryService).FullName);
        Assert.Contains(bad.MessageId.ToString(), log.Message);
        Assert.Contains("rabbitmq://elsewhere/refused-exchange", log.Message);
        Assert.DoesNotContain(bad.Order.ToString(), log.Message);

        Assert.Equal(0, await Deliveries.MeasureBacklogAsync(CancellationToken.None));
        parkedGauge.RecordObservableInstruments();
        backlogGauge.RecordObservableInstruments();
        Assert.Equal(1, parkedGauge.LastMeasurement!.Value);
        Assert.Equal(0, backlogGauge.LastMeasurement!.Value);
        Assert.Equal(ParkAfterAttempts, failedAttempts.GetMeasurementSnapshot().Sum(m => m.Value));

        // Long after, the inbox cleanup keeps it, and neither the sweep nor a redelivery's hand-over sends it.
        _time.Advance(TimeSpan.FromDays(2));
        await _host.Provider.GetRequiredService<InboxCleanupService>().CleanupOnceAsync(CancellationToken.None);
        Assert.Equal(0, (await Deliveries.DeliverBatchAsync(CancellationToken.None)).Taken);
        Assert.False(await Deliveries.DeliverOneAsync(bad.MessageId, inbox.ConsumerId, CancellationToken.None));
        var later = await InboxAsync(bad.MessageId);
        Assert.Equal((ParkAfterAttempts, inbox.Parked), (later.FailedDeliveries, later.Parked));
        Assert.Equal(1, await _host.QueryAsync(db => db.OutboxMessages.CountAsync(x => x.InboxMessageId == bad.MessageId)));
        Assert.Empty(Placed.For(bad.Order));
    }
}
