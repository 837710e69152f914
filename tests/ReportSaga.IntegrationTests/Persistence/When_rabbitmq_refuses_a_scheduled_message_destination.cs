using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>
/// The durable scheduler on RabbitMQ and PostgreSQL, in real time, with a row whose destination RabbitMQ refuses (see
/// <see cref="ConflictingExchange"/>).
/// RabbitMQ only (a broker refusal and an operator's fix); the database side of parking is written once in
/// <see cref="ReportSaga.Testing.Persistence.SchedulerParkingTests"/>.
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
