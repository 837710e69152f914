using Npgsql;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>
/// A consumer that calls outside, run through the outbox with no transaction open, on the real RabbitMQ and
/// PostgreSQL; and, PostgreSQL only, that no row lock or transaction is held while it waits on its call.
/// </summary>
public sealed class When_a_consumer_that_calls_outside_runs_through_the_outbox_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure)
    : OutsideTransactionOutboxTests, IClassFixture<InfrastructureFixture>
{
    private readonly TestServersOfItsOwn _servers = new(infrastructure);

    protected override Task<StorageSettings> CreateStorageAsync() => _servers.CreateAsync();

    protected override TestTransport Transport => _servers.RabbitMq;

    protected override Task DropStorageAsync() => _servers.DisposeAsync().AsTask();

    // PostgreSQL only: the probe reads row locks and sessions in transaction, which SQLite does not have (there the
    // consume holds an in-process lock, and the inbox row is committed before the call as here).
    [Fact]
    public async Task While_it_waits_on_its_call_no_row_is_locked_and_no_session_is_in_a_transaction()
    {
        var call = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await SendAsync(new CallOutside(call), messageId);
        var attempt = await Calls.AttemptAsync(call, 1);
        // A transaction held across the call would now be a second old; the delivery sweep's own are milliseconds.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await using (var probe = new NpgsqlConnection(_servers.PostgresConnectionString))
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
}
