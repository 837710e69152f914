using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>
/// A consumer that calls another service, run through the outbox with no transaction open
/// (<see cref="ReportSagaOutboxOptions.ConsumesOutsideTransaction"/>), on the real RabbitMQ and PostgreSQL.
/// </summary>
public sealed class When_a_consumer_that_calls_outside_runs_through_the_outbox_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private RabbitMqPersistenceHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RabbitMqPersistenceHost.StartAsync(infrastructure.RabbitMqUri, infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddReportSagaOutbox(o =>
                {
                    o.DeliveryGracePeriod = TimeSpan.FromSeconds(1);
                    o.DeliveryInterval = TimeSpan.FromMilliseconds(200);
                    o.ConsumesOutsideTransaction = type => type == typeof(CallOutsideConsumer);
                });
                x.AddConsumer<CallOutsideConsumer>().Endpoint(e =>
                {
                    e.Name = "call-outside";
                    e.ConcurrentMessageLimit = 8;
                });
                x.AddConsumer<OutsideCallAnsweredSubscriber>().Endpoint(e => e.Name = "outside-call-answered");
            },
            services =>
            {
                services.AddSingleton<OutsideCalls>();
                services.AddSingleton<OutsideCallAnsweredLog>();
            });

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private OutsideCalls Calls => _host.Provider.GetRequiredService<OutsideCalls>();
    private OutsideCallAnsweredLog Answered => _host.Provider.GetRequiredService<OutsideCallAnsweredLog>();

    private async Task SendAsync(Guid call, Guid messageId)
    {
        var endpoint = await _host.Bus.GetSendEndpoint(new Uri("queue:call-outside"));
        await endpoint.Send(new CallOutside(call), c => c.MessageId = messageId);
    }

    private async Task<T> QueryAsync<T>(Func<ReportSagaDbContext, Task<T>> query)
    {
        await using var scope = _host.Provider.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>());
    }

    private Task<InboxState?> InboxAsync(Guid messageId) =>
        QueryAsync(db => db.InboxStates.AsNoTracking().SingleOrDefaultAsync(x => x.MessageId == messageId));

    [Fact]
    public async Task While_it_waits_on_its_call_no_row_is_locked_and_no_session_is_in_a_transaction()
    {
        var call = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await SendAsync(call, messageId);
        var attempt = await Calls.AttemptAsync(call, 1);
        // A transaction held across the call would now be a second old; the delivery sweep's own are milliseconds.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using (var probe = new NpgsqlConnection(infrastructure.PostgresConnectionString))
        {
            await probe.OpenAsync();
            await using var transaction = await probe.BeginTransactionAsync();
            // Fails at once (lock_not_available) if the consume holds the inbox row's lock, and finds no row if the
            // consume's transaction inserted it and is still open.
            await using var lockRow = new NpgsqlCommand(
                "SELECT id FROM inbox_state WHERE message_id = @id FOR UPDATE NOWAIT", probe, transaction);
            lockRow.Parameters.AddWithValue("id", messageId);
            Assert.True(await lockRow.ExecuteScalarAsync() is long, "The inbox row is not committed while the consumer waits on its call.");
            await transaction.RollbackAsync();

            await using var sessions = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
                "AND state IN ('idle in transaction', 'idle in transaction (aborted)') AND now() - xact_start > interval '1 second'", probe);
            Assert.Equal(0L, await sessions.ExecuteScalarAsync());
        }

        attempt.Answer();
        var answered = await Eventually.Until(() => Task.FromResult(Answered.For(call)), l => l.Count > 0);
        Assert.Equal(1, Assert.Single(answered).Attempt);
        Assert.NotNull((await InboxAsync(messageId))!.Consumed);
    }

    [Fact]
    public async Task Of_two_duplicates_running_at_once_only_the_first_to_finish_takes_effect()
    {
        var call = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await SendAsync(call, messageId);
        var first = await Calls.AttemptAsync(call, 1);
        await SendAsync(call, messageId);
        var second = await Calls.AttemptAsync(call, 2);

        second.Answer();
        await Eventually.Until(() => InboxAsync(messageId), row => row?.Delivered is not null);
        first.Answer();
        Assert.True(await Eventually.Until(() => Task.FromResult(first.Returned), returned => returned));
        // Discarded: its count of receives is the last thing the later attempt writes.
        Assert.Equal(2, (await Eventually.Until(() => InboxAsync(messageId), row => row?.ReceiveCount == 2))!.ReceiveCount);
        await Task.Delay(500); // let a wrongly committed event arrive before counting

        Assert.Equal(2, Assert.Single(Answered.For(call)).Attempt);
        Assert.False(await QueryAsync(db => db.OutboxMessages.AnyAsync(x => x.InboxMessageId == messageId)));
    }
}
