using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Npgsql;
using NpgsqlTypes;
using ReportSaga.EndToEndBench.Runs;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>
/// Puts N reports into the state "submitted and waiting on the provider" without running each through the pipeline:
/// N reports created at the simulator (which keeps them processing for longer than the run), and N copies of the
/// template report's rows (<see cref="TemplateReport"/>): its <c>report_state</c> row in <c>Waiting</c>, its
/// <c>submission_slot</c> row (granted and claimed, so the gate counts it in flight), and its two
/// <c>scheduled_message</c> rows, the deadline (hours away, as the template's) and the next wake-up, due at a time
/// spread over <c>spread</c> from the start. Each copy gets its own request id, provider report id, schedule tokens
/// and message ids, replaced in the stored envelopes too; every other column is the template's, whatever columns
/// the schema has.
/// </summary>
internal static class WaitingSeeder
{
    private const int ProviderCallsInFlight = 8;

    /// <summary>Creates <paramref name="count"/> reports at the provider over its HTTP API; returns their ids.</summary>
    public static async Task<string[]> CreateAtProviderAsync(Uri simulator, string apiKey, string requestReportPath, JsonElement body, int count)
    {
        using var http = new HttpClient { BaseAddress = simulator, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Add("api-key", apiKey);
        var ids = new string[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var lastLine = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, ProviderCallsInFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var response = await http.PostAsJsonAsync(requestReportPath.TrimStart('/'), body, Interrupt.Token);
                response.EnsureSuccessStatusCode();
                using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Interrupt.Token));
                ids[i] = answer.RootElement.GetProperty("report_id").GetString()!;
                if (i % 1000 == 0 && lastLine.Elapsed > TimeSpan.FromSeconds(10))
                {
                    lastLine.Restart();
                    Console.WriteLine($"    {clock.Elapsed.TotalSeconds,5:0}s {i:N0} of {count:N0} created at the provider");
                }
            }
        }));
        return ids;
    }

    /// <summary>Copies the template's rows once per provider report, in one transaction.</summary>
    public static async Task SeedDatabaseAsync(string connectionString, Guid template, IReadOnlyList<string> reportIds, TimeSpan spread, DateTime firstDueUtc)
    {
        var count = reportIds.Count;
        var requestIds = new Guid[count];
        var wakeTokens = new Guid[count];
        var deadlineTokens = new Guid[count];
        var wakeMessageIds = new Guid[count];
        var deadlineMessageIds = new Guid[count];
        var dueOffsets = new double[count];
        for (var i = 0; i < count; i++)
        {
            requestIds[i] = NewId.NextGuid();
            wakeTokens[i] = NewId.NextGuid();
            deadlineTokens[i] = NewId.NextGuid();
            wakeMessageIds[i] = NewId.NextGuid();
            deadlineMessageIds[i] = NewId.NextGuid();
            // Evenly spread, so the provider sees a steady stream of first checks rather than one burst.
            dueOffsets[i] = spread.TotalSeconds * i / count;
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Interrupt.Token);
        await using var transaction = await connection.BeginTransactionAsync(Interrupt.Token);

        await ExecuteAsync(connection, """
            CREATE TEMP TABLE seed ON COMMIT DROP AS
            SELECT * FROM unnest(@request_ids, @report_ids, @wake_tokens, @deadline_tokens, @wake_message_ids, @deadline_message_ids, @due_offsets)
                AS s(seed_request_id, seed_report_id, seed_wake_token, seed_deadline_token, seed_wake_message_id, seed_deadline_message_id, seed_due_offset)
            """,
            ("request_ids", requestIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            ("report_ids", reportIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
            ("wake_tokens", wakeTokens, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            ("deadline_tokens", deadlineTokens, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            ("wake_message_ids", wakeMessageIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            ("deadline_message_ids", deadlineMessageIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid),
            ("due_offsets", dueOffsets, NpgsqlDbType.Array | NpgsqlDbType.Double));

        // report_state: Waiting between two checks (its next check stored in scheduled_message; the step token, when the
        // service schedules the check itself, is the one inside that stored command, so it is kept), submitted an hour
        // ago so its checks follow the policy's older-report cadence (Polling__MaxInterval) rather than a young report's
        // quick first checks.
        await CopyAsync(connection, "report_state", "correlation_id", template, """
            UPDATE copy SET correlation_id = seed_request_id, report_id = seed_report_id,
                wake_up_token_id = seed_wake_token, deadline_token_id = seed_deadline_token,
                poll_count = 0, step_attempts = 0,
                created_at = now() - interval '61 minutes', updated_at = now() - interval '60 minutes', submitted_at = now() - interval '60 minutes'
            """);

        // submission_slot: granted and claimed, as for a report the provider holds.
        await CopyAsync(connection, "submission_slot", "request_id", template, "UPDATE copy SET request_id = seed_request_id");

        // scheduled_message: the template's wake-up and deadline rows, with this copy's ids in the columns and in the
        // stored envelope and headers (GUIDs there appear with and without dashes).
        var templateWake = await ScalarAsync<Guid>(connection, "SELECT wake_up_token_id FROM report_state WHERE correlation_id = @t", template);
        var templateDeadline = await ScalarAsync<Guid>(connection, "SELECT deadline_token_id FROM report_state WHERE correlation_id = @t", template);
        await CopyScheduleAsync(connection, templateWake, template, "seed_wake_token", "seed_wake_message_id",
            $"due_time = (@first_due + make_interval(secs => seed_due_offset)), next_attempt_at = (@first_due + make_interval(secs => seed_due_offset))",
            firstDueUtc);
        await CopyScheduleAsync(connection, templateDeadline, template, "seed_deadline_token", "seed_deadline_message_id", null, firstDueUtc);

        await transaction.CommitAsync(Interrupt.Token);
        await ExecuteAsync(connection, "ANALYZE report_state; ANALYZE scheduled_message; ANALYZE submission_slot");
    }

    /// <summary>Copies the template's row of <paramref name="table"/> once per seed, changed by <paramref name="update"/> (on table "copy").</summary>
    private static async Task CopyAsync(NpgsqlConnection connection, string table, string keyColumn, Guid key, string update)
    {
        var columns = await ColumnsAsync(connection, table);
        await ExecuteAsync(connection, $"CREATE TEMP TABLE copy ON COMMIT DROP AS SELECT t.*, seed.* FROM {table} t CROSS JOIN seed WHERE t.{keyColumn} = @key",
            ("key", key, NpgsqlDbType.Uuid));
        await ExecuteAsync(connection, update);
        var list = string.Join(", ", columns);
        var inserted = await ExecuteAsync(connection, $"INSERT INTO {table} ({list}) SELECT {list} FROM copy");
        await ExecuteAsync(connection, "DROP TABLE copy");
        if (inserted == 0)
            throw new InvalidOperationException($"The template has no {table} row to copy.");
    }

    private static async Task CopyScheduleAsync(NpgsqlConnection connection, Guid templateToken, Guid template, string tokenColumn, string messageIdColumn,
        string? dueUpdate, DateTime firstDueUtc)
    {
        var templateMessageId = await ScalarAsync<Guid>(connection, "SELECT message_id FROM scheduled_message WHERE token_id = @t", templateToken);
        var columns = await ColumnsAsync(connection, "scheduled_message");
        await ExecuteAsync(connection, "CREATE TEMP TABLE copy ON COMMIT DROP AS SELECT t.*, seed.* FROM scheduled_message t CROSS JOIN seed WHERE t.token_id = @key",
            ("key", templateToken, NpgsqlDbType.Uuid));
        var replacements = new[] { (template, "seed_request_id"), (templateToken, tokenColumn), (templateMessageId, messageIdColumn) };
        string Replaced(string column) => replacements.Aggregate(column, (text, r) =>
            $"replace(replace({text}, '{r.Item1:D}', {r.Item2}::text), '{r.Item1:N}', replace({r.Item2}::text, '-', ''))");
        await ExecuteAsync(connection,
            $"UPDATE copy SET token_id = {tokenColumn}, message_id = {messageIdColumn}, " +
            $"correlation_id = CASE WHEN correlation_id = '{template:D}' THEN seed_request_id ELSE correlation_id END, " +
            $"body = {Replaced("body")}, headers = {Replaced("headers")}" + (dueUpdate is null ? "" : ", " + dueUpdate),
            ("first_due", firstDueUtc, NpgsqlDbType.TimestampTz));
        var list = string.Join(", ", columns);
        await ExecuteAsync(connection, $"INSERT INTO scheduled_message ({list}) SELECT {list} FROM copy");
        await ExecuteAsync(connection, "DROP TABLE copy");
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand(
            "SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t ORDER BY ordinal_position", connection);
        command.Parameters.AddWithValue("t", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Interrupt.Token);
        while (await reader.ReadAsync(Interrupt.Token))
            columns.Add(reader.GetString(0));
        return columns.Count > 0 ? columns : throw new InvalidOperationException($"No table {table}: was the schema migrated?");
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, Guid t)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", t);
        return (T)(await command.ExecuteScalarAsync(Interrupt.Token))!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value, NpgsqlDbType Type)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        foreach (var (name, value, type) in parameters)
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return await command.ExecuteNonQueryAsync(Interrupt.Token);
    }
}
