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
/// The durable scheduler while its broker is away (a proxy between the bus and RabbitMQ drops and refuses every
/// connection): every send fails, and none of it counts against a row.
/// RabbitMQ only: a broker outage, which the in-memory transport cannot have.
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
