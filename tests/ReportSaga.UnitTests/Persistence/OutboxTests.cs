using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.Persistence.Outbox;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The transactional outbox and inbox on SQLite (in-memory transport; the database is real).</summary>
public sealed class When_consumers_send_through_the_outbox_in_sqlite : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HashSet<Guid> _crashAfterCommit = [];
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(_storage.Settings,
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
            });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
    }

    private SideEffects Effects => _host.Provider.GetRequiredService<SideEffects>();
    private OrderPlacedLog Placed => _host.Provider.GetRequiredService<OrderPlacedLog>();
    private OutboxDeliveryService Dispatcher => _host.Provider.GetRequiredService<OutboxDeliveryService>();

    private async Task SendOrderAsync(PlaceTestOrder order, Guid messageId)
    {
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new Uri("queue:place-order"));
        await endpoint.Send(order, c => c.MessageId = messageId);
    }

    [Fact]
    public async Task Published_messages_are_delivered_only_after_the_consume_committed()
    {
        var order = Guid.NewGuid();
        await SendOrderAsync(new PlaceTestOrder(order), Guid.NewGuid());

        var seen = await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0);

        var observed = Assert.Single(seen);
        Assert.True(observed.ProducerCommitted);
        // The deliverer removes the sent rows just after the send, so the subscriber may see the message first.
        Assert.Equal(0, await Eventually.Until(() => _host.QueryAsync(db => db.OutboxMessages.CountAsync()), n => n == 0));
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
        lock (_crashAfterCommit)
            _crashAfterCommit.Add(messageId);
        await SendOrderAsync(new PlaceTestOrder(order), messageId);

        Assert.True(await _host.Harness.Consumed.Any<PlaceTestOrder>(x => x.Context.MessageId == messageId && x.Exception is not null));
        var stored = await _host.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(x => x.InboxMessageId == messageId).ToListAsync());
        var storedId = Assert.Single(stored).MessageId;
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
    }

    [Fact]
    public async Task A_crash_between_commit_and_delivery_is_delivered_on_redelivery_without_consuming_again()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        lock (_crashAfterCommit)
            _crashAfterCommit.Add(messageId);
        await SendOrderAsync(new PlaceTestOrder(order), messageId);
        Assert.True(await _host.Harness.Consumed.Any<PlaceTestOrder>(x => x.Context.MessageId == messageId && x.Exception is not null));
        var storedId = (await _host.QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(x => x.InboxMessageId == messageId))).MessageId;

        await SendOrderAsync(new PlaceTestOrder(order), messageId); // the broker redelivers

        var seen = await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0);
        Assert.Equal(storedId, Assert.Single(seen).MessageId);
        Assert.Equal(1, Effects.CallsFor(order));
    }

    [Fact]
    public async Task A_command_delivered_six_times_runs_its_side_effect_once()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        var received = new ReceiveCounter();
        using var _ = _host.Harness.Bus.ConnectReceiveObserver(received);

        // Three at once (they overlap on the inbox lock), then three more after the first has been delivered.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SendOrderAsync(new PlaceTestOrder(order), messageId)));
        await Eventually.Until(() => Task.FromResult(Placed.For(order).Count), n => n > 0);
        for (var i = 0; i < 3; i++)
            await SendOrderAsync(new PlaceTestOrder(order), messageId);
        await _host.Harness.InactivityTask;
        await Eventually.Until(() => Task.FromResult(received.For(messageId)), n => n >= 6);

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

/// <summary>A saga behind the outbox: its state and its events commit together.</summary>
public sealed class When_a_saga_publishes_through_the_outbox_in_sqlite : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(_storage.Settings,
            configureBus: x =>
            {
                x.AddReportSagaOutbox(o => o.RunInboxCleanup = false);
                x.AddConsumer<BumpedSubscriber>().Endpoint(e => e.Name = "bumped-subscriber");
            },
            configureServices: services => services.AddSingleton<BumpedLog>());

    private BumpedLog Bumped => _host.Provider.GetRequiredService<BumpedLog>();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task A_conflicted_attempts_event_is_discarded_and_the_retry_publishes_once()
    {
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        _host.Conflicts.Enabled = true;
        await _host.Harness.Bus.Publish(new BumpTestReport(id));

        await Eventually.Until(() => Task.FromResult(Bumped.For(id)), l => l.Count > 0);
        await _host.Harness.InactivityTask;
        var report = await _host.FindReportAsync(id);
        Assert.Equal(2, _host.Conflicts.AttemptsFor(id));
        Assert.Equal(1, report!.PollCount);
        var published = Assert.Single(Bumped.For(id));
        Assert.Equal(1, published.PollCount);
    }

    [Fact]
    public async Task Concurrent_messages_for_one_instance_all_apply()
    {
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _host.Harness.Bus.Publish(new BumpTestReport(id))));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == 20);
        Assert.Equal(20, report!.PollCount);
        var events = await Eventually.Until(() => Task.FromResult(Bumped.For(id)), l => l.Count >= 20);
        await _host.Harness.InactivityTask;
        // One event per applied message, each carrying the count its own transaction committed.
        Assert.Equal(Enumerable.Range(1, 20), Bumped.For(id).Select(x => x.PollCount).Order());
    }
}
