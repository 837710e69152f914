using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>Several scheduler dispatchers on one PostgreSQL database.</summary>
public sealed class When_two_scheduler_dispatchers_share_one_postgres_database(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString),
            configureBus: x =>
            {
                x.AddDurableMessageScheduler(o =>
                {
                    o.RunDispatcher = false;
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
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context));

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task Each_due_message_is_sent_once()
    {
        var pings = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToList();
        var due = _time.GetUtcNow().UtcDateTime.AddMinutes(1);
        await using (var scope = _host.Provider.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
            foreach (var ping in pings)
                await scheduler.ScheduleSend(new Uri("queue:scheduled-ping"), due, new ScheduledPing(ping));
        }
        await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.CountAsync()), n => n == pings.Count);
        _time.Advance(TimeSpan.FromMinutes(2));

        var first = _host.Provider.GetRequiredService<ScheduledMessageDispatcher>();
        var second = ActivatorUtilities.CreateInstance<ScheduledMessageDispatcher>(_host.Provider);
        var counts = await Task.WhenAll(DrainAsync(first), DrainAsync(second), DrainAsync(first), DrainAsync(second));

        Assert.Equal(pings.Count, counts.Sum());
        var log = _host.Provider.GetRequiredService<PingLog>();
        await Eventually.Until(() => Task.FromResult(log.Received.Count), n => n >= pings.Count);
        await Task.Delay(500); // let any duplicate arrive before counting
        Assert.Equal(pings.Order(), log.Received.Select(x => x.PingId).Order());
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

/// <summary>The scheduler end to end on RabbitMQ and PostgreSQL, in real time.</summary>
public sealed class When_a_message_is_scheduled_over_rabbitmq(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task It_arrives_after_its_due_time_with_its_token()
    {
        await using var host = await RabbitMqPersistenceHost.StartAsync(infrastructure.RabbitMqUri, infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddDurableMessageScheduler(o => o.PollInterval = TimeSpan.FromMilliseconds(200));
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            services => services.AddSingleton<PingLog>(),
            (context, cfg) => cfg.UseDurableMessageScheduler(context));

        var pingId = Guid.NewGuid();
        var due = DateTime.UtcNow.AddSeconds(2);
        ScheduledMessage<ScheduledPing> scheduled;
        await using (var scope = host.Provider.CreateAsyncScope())
            scheduled = await scope.ServiceProvider.GetRequiredService<IMessageScheduler>()
                .ScheduleSend(new Uri("queue:scheduled-ping"), due, new ScheduledPing(pingId));

        var received = await host.Provider.GetRequiredService<PingLog>().WaitForAsync(pingId);

        var ping = Assert.Single(received);
        Assert.Equal(scheduled.TokenId.ToString("N"), ping.TokenHeader);
        Assert.True(DateTime.UtcNow >= due);
    }
}
