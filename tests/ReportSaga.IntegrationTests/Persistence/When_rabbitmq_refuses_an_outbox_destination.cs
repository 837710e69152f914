using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>
/// The outbox sweep on RabbitMQ and PostgreSQL, in real time, with one consumed message whose event goes to a
/// destination RabbitMQ refuses (see <see cref="ConflictingExchange"/>). Every consume "crashes" right after its commit,
/// so the sweep alone delivers.
/// RabbitMQ only (a broker refusal and an operator's fix); the database side of parking is written once in
/// <see cref="ReportSaga.Testing.Persistence.OutboxParkingTests"/>.
/// </summary>
public sealed class When_rabbitmq_refuses_an_outbox_destination(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private static readonly Uri Subscriber = new("queue:order-placed-subscriber");
    private const int ParkAfterAttempts = 3;
    private RabbitMqPersistenceHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RabbitMqPersistenceHost.StartAsync(infrastructure.RabbitMqUri, infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddReportSagaOutbox(o =>
                {
                    o.RunInboxCleanup = false;
                    o.MessageDeliveryTimeout = TimeSpan.FromSeconds(1);
                    o.DeliveryGracePeriod = TimeSpan.FromSeconds(2);
                    o.DeliveryInterval = TimeSpan.FromMilliseconds(200);
                    o.DeliveryRetryDelay = TimeSpan.FromMilliseconds(200);
                    o.DeliveryMaxRetryDelay = TimeSpan.FromSeconds(1);
                    o.DeliveryParkAfterAttempts = ParkAfterAttempts;
                    o.AfterConsumeCommitted = _ => throw new SimulatedCrashException("the process died after the commit");
                });
                x.AddConsumer<RelayTestOrderConsumer>().Endpoint(e => e.Name = "relay-order");
                x.AddConsumer<OrderPlacedSubscriber>().Endpoint(e => e.Name = "order-placed-subscriber");
            },
            services =>
            {
                services.AddSingleton<OrderPlacedLog>();
                services.AddFakeLogging();
            });

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private async Task<T> QueryAsync<T>(Func<ReportSagaDbContext, Task<T>> query)
    {
        await using var scope = _host.Provider.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>());
    }

    private async Task<(Guid Order, Guid MessageId)> RelayAsync(Uri destination)
    {
        var relay = (Order: Guid.NewGuid(), MessageId: Guid.NewGuid());
        var endpoint = await _host.Bus.GetSendEndpoint(new Uri("queue:relay-order"));
        await endpoint.Send(new RelayTestOrder(relay.Order, destination), c => c.MessageId = relay.MessageId);
        await Eventually.Until(() => QueryAsync(db => db.InboxStates.AnyAsync(x => x.MessageId == relay.MessageId && x.Consumed != null)), c => c);
        return relay;
    }

    private Task<InboxState?> InboxAsync(Guid messageId) =>
        QueryAsync(db => db.InboxStates.AsNoTracking().SingleOrDefaultAsync(x => x.MessageId == messageId));

    [Fact]
    public async Task The_messages_behind_it_arrive_it_is_parked_at_the_limit_and_an_operator_can_release_it()
    {
        await using var sink = await ConflictingExchange.DeclareAsync(infrastructure.RabbitMqUri, "relayed-sink");
        var bad = await RelayAsync(sink.Address);
        var good = new[] { await RelayAsync(Subscriber), await RelayAsync(Subscriber) };
        var placed = _host.Provider.GetRequiredService<OrderPlacedLog>();

        foreach (var (order, _) in good)
            Assert.Single(await Eventually.Until(() => Task.FromResult(placed.For(order)), l => l.Count > 0));

        var parked = await Eventually.Until(() => InboxAsync(bad.MessageId), r => r?.Parked is not null, TimeSpan.FromSeconds(60));
        Assert.NotNull(parked?.Parked);
        Assert.Equal(ParkAfterAttempts, parked!.FailedDeliveries);
        Assert.Null(parked.Delivered);
        Assert.Contains("did not take the message", parked.LastDeliveryError);
        Assert.Equal(1, await QueryAsync(db => db.OutboxMessages.CountAsync(x => x.InboxMessageId == bad.MessageId)));
        var error = _host.Provider.GetFakeLogCollector().GetSnapshot()
            .Single(r => r.Level == LogLevel.Error && r.Category == typeof(OutboxDeliveryService).FullName);
        Assert.Contains(bad.MessageId.ToString(), error.Message);
        Assert.Contains("relayed-sink", error.Message);
        Assert.DoesNotContain(bad.Order.ToString(), error.Message);
        Assert.Empty(placed.For(bad.Order));
        Assert.Equal(0, await _host.Provider.GetRequiredService<OutboxDeliveryService>().MeasureBacklogAsync(CancellationToken.None));

        // The operator removes the cause, then releases the row as docs/operations.md says.
        await sink.RemoveConflictAsync();
        await QueryAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE inbox_state SET parked = NULL, failed_deliveries = 0, next_delivery_at = NULL WHERE message_id = {bad.MessageId}"));

        var released = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.Contains(bad.Order.ToString(), released.Body);
        Assert.NotNull((await Eventually.Until(() => InboxAsync(bad.MessageId), r => r?.Delivered is not null))?.Delivered);
    }
}
