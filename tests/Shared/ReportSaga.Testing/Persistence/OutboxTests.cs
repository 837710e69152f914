using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The transactional outbox and inbox: events leave only after the consume committed, a consume that throws publishes
/// nothing, a crash between commit and delivery is delivered later with the original ids (by the dispatcher or on
/// redelivery), duplicates run the side effect once, and the inbox forgets delivered messages after its retention.
/// The delivery sweep and the inbox cleanup are driven by hand on a fake clock. Written once; each database's subclass
/// gives the storage and the transport (in-memory on SQLite, the real RabbitMQ on PostgreSQL).
/// </summary>
public abstract class OutboxTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HashSet<Guid> _crashAfterCommit = [];
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
                x.AddReportSagaOutbox(o =>
                {
                    o.RunDeliverySweep = false;
                    o.RunInboxCleanup = false;
                    o.AfterConsumeCommitted = messageId =>
                    {
                        lock (_crashAfterCommit)
                            if (_crashAfterCommit.Remove(messageId))
                                throw new SimulatedCrashException("the process died after the commit");
                        return Task.CompletedTask;
                    };
                });
                x.AddConsumer<PlaceTestOrderConsumer>().Endpoint(e => e.Name = "place-order");
                x.AddConsumer<OrderPlacedSubscriber>().Endpoint(e => e.Name = "order-placed-subscriber");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<SideEffects>();
                services.AddSingleton<OrderPlacedLog>();
            },
            transport: Transport);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    private SideEffects Effects => _host.Provider.GetRequiredService<SideEffects>();
    private OrderPlacedLog Placed => _host.Provider.GetRequiredService<OrderPlacedLog>();
    private OutboxDeliveryService Dispatcher => _host.Provider.GetRequiredService<OutboxDeliveryService>();

    private async Task SendOrderAsync(PlaceTestOrder order, Guid messageId)
    {
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new Uri("queue:place-order"));
        await endpoint.Send(order, c => c.MessageId = messageId);
    }

    private void CrashAfterCommitOf(Guid messageId)
    {
        lock (_crashAfterCommit)
            _crashAfterCommit.Add(messageId);
    }

    [Fact]
    public async Task Published_messages_are_delivered_only_after_the_consume_committed()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await SendOrderAsync(new PlaceTestOrder(order), messageId);

        var seen = await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0);

        var observed = Assert.Single(seen);
        Assert.True(observed.ProducerCommitted);
        Assert.Equal(Effects.PublishedIdFor(order), observed.MessageId);
        // The deliverer removes the sent rows just after the send, so the subscriber may see the message first.
        Assert.Equal(0, await Eventually.Until(() => _host.QueryAsync(db => db.OutboxMessages.CountAsync(x => x.InboxMessageId == messageId)), n => n == 0));
    }

    [Fact]
    public async Task A_consumer_that_throws_publishes_nothing()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await SendOrderAsync(new PlaceTestOrder(order, Fail: true), messageId);

        Assert.True(await _host.Harness.Consumed.Any<PlaceTestOrder>(x => x.Context.MessageId == messageId && x.Exception is not null));
        await _host.Harness.InactivityTask;

        Assert.Empty(Placed.For(order));
        Assert.Equal(0, await _host.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.False(await _host.QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == messageId && x.Consumed != null)));
    }

    [Fact]
    public async Task A_crash_between_commit_and_delivery_is_delivered_later_by_the_dispatcher_with_the_original_ids()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        CrashAfterCommitOf(messageId);
        await SendOrderAsync(new PlaceTestOrder(order), messageId);

        Assert.True(await _host.Harness.Consumed.Any<PlaceTestOrder>(x => x.Context.MessageId == messageId && x.Exception is not null));
        var stored = await _host.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(x => x.InboxMessageId == messageId).ToListAsync());
        var storedId = Assert.Single(stored).MessageId;
        Assert.Equal(Effects.PublishedIdFor(order), storedId);
        Assert.Empty(Placed.For(order));
        Assert.Equal(1, await Dispatcher.MeasureBacklogAsync(CancellationToken.None));

        // Within the grace period the dispatcher leaves the row to its consumer; after it, it delivers.
        Assert.Equal(0, (await Dispatcher.DeliverBatchAsync(CancellationToken.None)).Delivered);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await Dispatcher.DeliverBatchAsync(CancellationToken.None)).Delivered);

        var seen = await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0);
        Assert.Equal(storedId, Assert.Single(seen).MessageId);
        Assert.Equal(1, Effects.CallsFor(order));
        Assert.Equal(0, await Dispatcher.MeasureBacklogAsync(CancellationToken.None));
        Assert.True(await _host.QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == messageId && x.Delivered != null)));
        Assert.False(await _host.QueryAsync(db => db.OutboxMessages.AnyAsync(x => x.InboxMessageId == messageId)));
        lock (_crashAfterCommit)
            Assert.Empty(_crashAfterCommit);
    }

    [Fact]
    public async Task A_crash_between_commit_and_delivery_is_delivered_on_redelivery_without_consuming_again()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        CrashAfterCommitOf(messageId);
        await SendOrderAsync(new PlaceTestOrder(order), messageId);
        Assert.True(await _host.Harness.Consumed.Any<PlaceTestOrder>(x => x.Context.MessageId == messageId && x.Exception is not null));
        var storedId = (await _host.QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(x => x.InboxMessageId == messageId))).MessageId;

        await SendOrderAsync(new PlaceTestOrder(order), messageId); // the broker redelivers

        var seen = await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0);
        Assert.Equal(storedId, Assert.Single(seen).MessageId);
        Assert.Equal(1, Effects.CallsFor(order));
    }

    [Fact]
    public async Task A_command_delivered_six_times_some_concurrently_runs_its_side_effect_once()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        var received = new ReceiveCounter();
        using var _ = _host.Harness.Bus.ConnectReceiveObserver(received);

        // Four at once (they overlap on the inbox lock), then two more after the first has been delivered.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendOrderAsync(new PlaceTestOrder(order), messageId)));
        await Eventually.Until(() => Task.FromResult(Placed.For(order).Count), n => n > 0);
        for (var i = 0; i < 2; i++)
            await SendOrderAsync(new PlaceTestOrder(order), messageId);
        await _host.Harness.InactivityTask;
        await Eventually.Until(() => Task.FromResult(received.For(messageId)), n => n >= 6);
        // All six were taken off the queue once the inbox has seen six receives.
        await Eventually.Until(() => _host.QueryAsync(db => db.InboxStates.AsNoTracking().Where(x => x.MessageId == messageId)
            .Select(x => x.ReceiveCount).SingleOrDefaultAsync()), n => n >= 6);
        // A wrongly repeated event would have been sent by now: the consume's messages are recorded as delivered, and
        // the bus has gone quiet after them (on RabbitMQ the event comes back through the broker).
        await Eventually.Until(() => _host.QueryAsync(db => db.InboxStates.AsNoTracking().Where(x => x.MessageId == messageId)
            .Select(x => x.Delivered).SingleOrDefaultAsync()), delivered => delivered is not null);
        await _host.Harness.InactivityTask;

        Assert.Equal(6, received.For(messageId));
        Assert.Equal(1, Effects.CallsFor(order));
        Assert.Single(Placed.For(order));
    }

    [Fact]
    public async Task The_inbox_cleanup_forgets_delivered_messages_after_the_retention()
    {
        var delivered = Guid.NewGuid();
        await SendOrderAsync(new PlaceTestOrder(Guid.NewGuid()), delivered);
        await Eventually.Until(() => _host.QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == delivered && x.Delivered != null)), d => d);
        var cleanup = _host.Provider.GetRequiredService<InboxCleanupService>();

        Assert.Equal(0, await cleanup.CleanupOnceAsync(CancellationToken.None));
        _time.Advance(new ReportSagaOutboxOptions().InboxRetention + TimeSpan.FromSeconds(1));
        Assert.True(await cleanup.CleanupOnceAsync(CancellationToken.None) >= 1);

        Assert.False(await _host.QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == delivered)));
    }
}
