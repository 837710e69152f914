using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Outbox;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The outbox and inbox on the real RabbitMQ and PostgreSQL.</summary>
public sealed class When_consumers_send_through_the_outbox_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private readonly HashSet<Guid> _crashAfterCommit = [];
    private RabbitMqPersistenceHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RabbitMqPersistenceHost.StartAsync(infrastructure.RabbitMqUri, infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddReportSagaOutbox(o =>
                {
                    o.DeliveryGracePeriod = TimeSpan.FromSeconds(1);
                    o.DeliveryInterval = TimeSpan.FromMilliseconds(200);
                    o.AfterConsumeCommitted = messageId =>
                    {
                        lock (_crashAfterCommit)
                            if (_crashAfterCommit.Remove(messageId))
                                throw new SimulatedCrashException("the process died after the commit");
                        return Task.CompletedTask;
                    };
                });
                x.AddConsumer<PlaceTestOrderConsumer>().Endpoint(e =>
                {
                    e.Name = "place-order";
                    e.ConcurrentMessageLimit = 8;
                });
                x.AddConsumer<OrderPlacedSubscriber>().Endpoint(e => e.Name = "order-placed-subscriber");
            },
            services =>
            {
                services.AddSingleton<SideEffects>();
                services.AddSingleton<OrderPlacedLog>();
            });

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private SideEffects Effects => _host.Provider.GetRequiredService<SideEffects>();
    private OrderPlacedLog Placed => _host.Provider.GetRequiredService<OrderPlacedLog>();

    private async Task SendOrderAsync(Guid order, Guid messageId)
    {
        var endpoint = await _host.Bus.GetSendEndpoint(new Uri("queue:place-order"));
        await endpoint.Send(new PlaceTestOrder(order), c => c.MessageId = messageId);
    }

    private async Task<T> QueryAsync<T>(Func<ReportSagaDbContext, Task<T>> query)
    {
        await using var scope = _host.Provider.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>());
    }

    [Fact]
    public async Task Events_reach_subscribers_only_after_the_consume_committed()
    {
        var order = Guid.NewGuid();
        await SendOrderAsync(order, Guid.NewGuid());

        var seen = Assert.Single(await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0));

        Assert.True(seen.ProducerCommitted);
        Assert.Equal(Effects.PublishedIdFor(order), seen.MessageId);
    }

    [Fact]
    public async Task A_command_delivered_six_times_some_concurrently_runs_its_side_effect_once()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendOrderAsync(order, messageId)));
        await Eventually.Until(() => Task.FromResult(Placed.For(order).Count), n => n > 0);
        await SendOrderAsync(order, messageId);
        await SendOrderAsync(order, messageId);
        // All six were taken off the queue once the inbox has seen six receives.
        await Eventually.Until(() => QueryAsync(db => db.InboxStates.AsNoTracking().Where(x => x.MessageId == messageId)
            .Select(x => x.ReceiveCount).SingleOrDefaultAsync()), n => n >= 6);
        await Task.Delay(500); // let a wrongly repeated event arrive before counting

        Assert.Equal(1, Effects.CallsFor(order));
        Assert.Single(Placed.For(order));
    }

    [Fact]
    public async Task A_crash_between_commit_and_delivery_is_delivered_by_the_dispatcher_with_the_original_ids()
    {
        var order = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        lock (_crashAfterCommit)
            _crashAfterCommit.Add(messageId);

        await SendOrderAsync(order, messageId);

        var seen = Assert.Single(await Eventually.Until(() => Task.FromResult(Placed.For(order)), l => l.Count > 0));
        Assert.Equal(Effects.PublishedIdFor(order), seen.MessageId);
        Assert.Equal(1, Effects.CallsFor(order));
        // The deliverer sends first and records "delivered" after (a crash in between re-sends with the same id), so
        // the subscriber can see the event a moment before the inbox row says so.
        Assert.True(await Eventually.Until(
            () => QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == messageId && x.Delivered != null)), delivered => delivered));
        Assert.False(await Eventually.Until(
            () => QueryAsync(db => db.OutboxMessages.AnyAsync(x => x.InboxMessageId == messageId)), pending => !pending));
        lock (_crashAfterCommit)
            Assert.Empty(_crashAfterCommit);
    }
}

/// <summary>A saga behind the outbox on PostgreSQL: state and events commit together.</summary>
public sealed class When_a_saga_publishes_through_the_outbox_in_postgres(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString),
            configureBus: x =>
            {
                x.AddReportSagaOutbox(o => o.RunInboxCleanup = false);
                x.AddConsumer<BumpedSubscriber>().Endpoint(e => e.Name = "bumped-subscriber");
            },
            configureServices: services => services.AddSingleton<BumpedLog>());

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private BumpedLog Bumped => _host.Provider.GetRequiredService<BumpedLog>();

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
        Assert.Equal((1, 2), (report!.PollCount, report.Version));
        Assert.Equal(1, Assert.Single(Bumped.For(id)).PollCount);
    }

    [Fact]
    public async Task Concurrent_messages_for_one_instance_all_apply_and_each_publishes_its_own_count()
    {
        var id = Guid.NewGuid();
        await _host.Harness.Bus.Publish(new StartTestReport(id, "{}"));
        await Eventually.Until(() => _host.FindReportAsync(id), r => r is not null);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => _host.Harness.Bus.Publish(new BumpTestReport(id))));

        var report = await Eventually.Until(() => _host.FindReportAsync(id), r => r?.PollCount == 30);
        Assert.Equal(30, report!.PollCount);
        await Eventually.Until(() => Task.FromResult(Bumped.For(id)), l => l.Count >= 30);
        await _host.Harness.InactivityTask;
        Assert.Equal(Enumerable.Range(1, 30), Bumped.For(id).Select(x => x.PollCount).Order());
    }
}
