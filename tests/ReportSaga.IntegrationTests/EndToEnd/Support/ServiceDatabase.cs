using System.Text;
using Npgsql;
using ReportSaga.IntegrationTests.Infrastructure;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// The service's PostgreSQL database seen from the test: saga rows to explain a report that did not end, and the
/// server-side ways to take the database away from the service (terminating its sessions, refusing new ones).
/// </summary>
internal sealed class ServiceDatabase(string connectionString, string databaseName)
{
    /// <summary>The saga state of one report, or null when it has no row (yet).</summary>
    public async Task<string?> StateOfAsync(Guid requestId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_state FROM report_state WHERE correlation_id = @id", connection);
        command.Parameters.AddWithValue("id", requestId);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>Waits until the report's saga row is in <paramref name="state"/> (committed); false if the limit passed first.</summary>
    public async Task<bool> WaitForStateAsync(Guid requestId, string state, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await StateOfAsync(requestId) == state)
                return true;
            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>Ends every session the service holds on its database (the test's own admin session is elsewhere); returns how many.</summary>
    public async Task<int> TerminateSessionsAsync()
    {
        await using var connection = await OpenAdminAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", databaseName);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    /// <summary>Refuses (or allows again) new sessions on the database, superusers included.</summary>
    public async Task AllowConnectionsAsync(bool allow)
    {
        await using var connection = await OpenAdminAsync();
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE \"{databaseName}\" WITH ALLOW_CONNECTIONS {(allow ? "true" : "false")}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The saga rows, ledger rows and gate of the given reports, for the report of a failed test.</summary>
    public async Task<string> DescribeAsync(IReadOnlyCollection<Guid> requestIds)
    {
        var text = new StringBuilder();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await AppendRowsAsync(connection, text, "report_state",
                "SELECT correlation_id, current_state, provider_status, report_id, retry_attempts, poll_count, failure_reason, updated_at " +
                "FROM report_state WHERE correlation_id = ANY(@ids) ORDER BY updated_at", requestIds);
            await AppendRowsAsync(connection, text, "submission_ledger",
                "SELECT request_id, state, report_id, updated_at FROM submission_ledger WHERE request_id = ANY(@ids)", requestIds);
            await AppendRowsAsync(connection, text, "submission_gate_state",
                "SELECT current_state, holders, waiting FROM submission_gate_state", requestIds);
            // A session idle in a transaction, or one waiting on a lock, explains a report that stopped moving.
            await AppendRowsAsync(connection, text, "sessions on the service's database",
                "SELECT pid, application_name, state, wait_event_type, wait_event, now() - xact_start AS in_transaction_for, " +
                "left(query, 160) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
                "ORDER BY xact_start NULLS LAST", requestIds);
            await AppendRowsAsync(connection, text, "inbox_state not yet delivered",
                "SELECT message_id, consumer_id, receive_count, received, consumed, delivered FROM inbox_state " +
                "WHERE delivered IS NULL ORDER BY received LIMIT 40", requestIds);
            await AppendRowsAsync(connection, text, "scheduled_message (first 40 by due time)",
                "SELECT token_id, due_time, cancelled, destination FROM scheduled_message ORDER BY due_time LIMIT 40", requestIds);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            text.AppendLine($"(could not read the database: {e.GetType().Name}: {e.Message})");
        }

        return text.ToString();
    }

    private static async Task AppendRowsAsync(NpgsqlConnection connection, StringBuilder text, string title, string sql, IReadOnlyCollection<Guid> ids)
    {
        text.AppendLine($"-- {title}");
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "null" : reader.GetValue(i))}");
            text.AppendLine(string.Join(" ", values));
        }
    }

    private static async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var server = await PostgresTestServer.GetAsync();
        var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
