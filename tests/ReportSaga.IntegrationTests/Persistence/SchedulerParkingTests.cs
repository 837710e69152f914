using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>
/// The durable scheduler on RabbitMQ and PostgreSQL, in real time, with a row whose destination RabbitMQ refuses (see
/// <see cref="ConflictingExchange"/>).
/// </summary>
public sealed class When_rabbitmq_refuses_a_scheduled_message_destination(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private const int ParkAfterAttempts = 3;

    [Fact]
    public async Task The_rows_behind_it_arrive_it_is_parked_at_the_limit_and_an_operator_can_release_it()
    {
        await using var host = await RabbitMqPersistenceHost.StartAsync(infrastructure.RabbitMqUri, infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddDurableMessageScheduler(o =>
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(200);
                    o.SendTimeout = TimeSpan.FromSeconds(1);
                    o.RetryDelay = TimeSpan.FromMilliseconds(200);
                    o.MaxRetryDelay = TimeSpan.FromSeconds(1);
                    o.ParkAfterAttempts = ParkAfterAttempts;
                });
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            services =>
            {
                services.AddSingleton<PingLog>();
                services.AddFakeLogging();
            },
            (context, cfg) => cfg.UseDurableMessageScheduler(context));
        var pings = host.Provider.GetRequiredService<PingLog>();
        await using var sink = await ConflictingExchange.DeclareAsync(infrastructure.RabbitMqUri, "scheduled-sink");

        var due = DateTime.UtcNow.AddSeconds(1);
        var badPing = Guid.NewGuid();
        var goodPings = new[] { Guid.NewGuid(), Guid.NewGuid() };
        Guid badToken;
        await using (var scope = host.Provider.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
            badToken = (await scheduler.ScheduleSend(sink.Address, due, new ScheduledPing(badPing))).TokenId;
            foreach (var (ping, i) in goodPings.Select((p, i) => (p, i)))
                await scheduler.ScheduleSend(new Uri("queue:scheduled-ping"), due.AddMilliseconds(100 * (i + 1)), new ScheduledPing(ping));
        }

        foreach (var ping in goodPings)
            Assert.Single(await pings.WaitForAsync(ping));

        var parked = await Eventually.Until(() => RowAsync(host, badToken), r => r?.ParkedAt is not null, TimeSpan.FromSeconds(60));
        Assert.NotNull(parked?.ParkedAt);
        Assert.Equal(ParkAfterAttempts, parked!.FailedAttempts);
        Assert.Contains("did not take the message", parked.LastError);
        var error = host.Provider.GetFakeLogCollector().GetSnapshot()
            .Single(r => r.Level == LogLevel.Error && r.Category == typeof(ScheduledMessageDispatcher).FullName);
        Assert.Contains(badToken.ToString(), error.Message);
        Assert.Contains(sink.Address.ToString(), error.Message);
        Assert.DoesNotContain(badPing.ToString(), error.Message);
        Assert.DoesNotContain(pings.Received, p => p.PingId == badPing);

        // The operator removes the cause, then releases the row as docs/operations.md says.
        await sink.RemoveConflictAsync();
        await using (var scope = host.Provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE scheduled_message SET parked_at = NULL, failed_attempts = 0, next_attempt_at = due_time WHERE token_id = {badToken}");

        var released = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.Contains(badPing.ToString(), released.Body);
        Assert.Null(await Eventually.Until(() => RowAsync(host, badToken), r => r is null));
    }

    private static async Task<ScheduledMessageRecord?> RowAsync(RabbitMqPersistenceHost host, Guid tokenId)
    {
        await using var scope = host.Provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().ScheduledMessages.AsNoTracking()
            .SingleOrDefaultAsync(x => x.TokenId == tokenId);
    }
}

/// <summary>
/// The durable scheduler while its broker is away (a proxy between the bus and RabbitMQ drops and refuses every
/// connection): every send fails, and none of it counts against a row.
/// </summary>
public sealed class When_scheduled_messages_fall_due_while_rabbitmq_is_away(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private const int ParkAfterAttempts = 3;

    [Fact]
    public async Task No_row_is_parked_and_all_go_out_once_it_is_back()
    {
        await using var proxy = TcpFreezeProxy.To(infrastructure.RabbitMqUri);
        await using var host = await RabbitMqPersistenceHost.StartAsync(proxy.Address(infrastructure.RabbitMqUri), infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddDurableMessageScheduler(o =>
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(200);
                    o.SendTimeout = TimeSpan.FromSeconds(1);
                    o.RetryDelay = TimeSpan.FromMilliseconds(100);
                    o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                    o.ParkAfterAttempts = ParkAfterAttempts;
                });
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            services =>
            {
                services.AddSingleton<PingLog>();
                services.AddFakeLogging();
            },
            (context, cfg) => cfg.UseDurableMessageScheduler(context));
        var bus = host.Provider.GetRequiredService<IBusControl>();
        Assert.Equal(BusHealthStatus.Healthy,
            await Eventually.Until(() => Task.FromResult(bus.CheckHealth().Status), s => s == BusHealthStatus.Healthy));

        var pingIds = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        var due = DateTime.UtcNow.AddSeconds(2);
        await using (var scope = host.Provider.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
            foreach (var ping in pingIds)
                await scheduler.ScheduleSend(new Uri("queue:scheduled-ping"), due, new ScheduledPing(ping));
        }
        await Eventually.Until(() => CountAsync(host, _ => true), n => n == pingIds.Count);

        proxy.BeginOutage();
        // Far more failed sends than the limit, each while the bus is reconnecting.
        var logs = host.Provider.GetFakeLogCollector();
        var uncounted = await Eventually.Until(
            () => Task.FromResult(logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Message.Contains("reconnecting"))),
            n => n >= 3 * ParkAfterAttempts, TimeSpan.FromSeconds(90));
        Assert.True(uncounted >= 3 * ParkAfterAttempts, $"only {uncounted} failed sends were seen during the outage");
        Assert.Equal(0, await CountAsync(host, x => x.ParkedAt != null));
        proxy.EndOutage();

        // At least once: a send the broker took just as the connection dropped, its confirmation lost, goes again
        // with the same message id, which a consumer's inbox drops.
        var pings = host.Provider.GetRequiredService<PingLog>();
        foreach (var ping in pingIds)
            Assert.Single((await pings.WaitForAsync(ping, limit: TimeSpan.FromSeconds(90))).Select(p => p.MessageId).Distinct());
        Assert.Equal(0, await Eventually.Until(() => CountAsync(host, _ => true), n => n == 0));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Category == typeof(ScheduledMessageDispatcher).FullName);
    }

    private static async Task<int> CountAsync(RabbitMqPersistenceHost host, System.Linq.Expressions.Expression<Func<ScheduledMessageRecord, bool>> filter)
    {
        await using var scope = host.Provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().ScheduledMessages.CountAsync(filter);
    }
}
