using Npgsql;

namespace ReportSaga.EndToEndBench.Infrastructure;

/// <summary>
/// The run's own PostgreSQL database and what the server says about it: statements executed (pg_stat_statements,
/// when the server preloads it), transactions (pg_stat_database) and the saga states of reports that did not end.
/// Every query runs on the maintenance database, so the benchmark's own statements are not counted. The service
/// logs in as a role of the run's own that owns the database and is not a superuser, as in production: the
/// server's connection slots reserved for superusers then stay free for the benchmark's queries when the service
/// takes every other one.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private BenchDatabase(string adminConnectionString, string name, string password, bool countsStatements)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        CountsStatements = countsStatements;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Database = name,
            Username = name,
            Password = password,
            Pooling = true,
        }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The service's connection string: the run's role (named as the database), on the run's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server preloads pg_stat_statements, so statements are counted.</summary>
    public bool CountsStatements { get; }

    public string AdminConnectionString => _adminConnectionString;

    public static async Task<BenchDatabase> CreateAsync(string adminConnectionString, string name)
    {
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await ExecuteAsync(adminConnectionString, $"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'");
        try
        {
            await ExecuteAsync(adminConnectionString, $"CREATE DATABASE \"{name}\" OWNER \"{name}\"");
        }
        catch
        {
            await ExecuteAsync(adminConnectionString, $"DROP ROLE IF EXISTS \"{name}\"");
            throw;
        }

        var preloaded = (await ScalarAsync(adminConnectionString, "SHOW shared_preload_libraries") as string ?? "").Contains("pg_stat_statements", StringComparison.Ordinal);
        if (preloaded)
            await ExecuteAsync(adminConnectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        return new BenchDatabase(adminConnectionString, name, password, preloaded);
    }

    /// <summary>Forgets the statements counted so far on this database (start-up and migrations).</summary>
    public async Task ResetStatementsAsync()
    {
        if (CountsStatements)
            await ExecuteAsync(_adminConnectionString, $"SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = '{Name}'), 0)");
    }

    /// <summary>
    /// Statement executions on this database by normalised text, most frequent first, with the server's time executing
    /// them (planning included; not the time between statements); empty when not counted.
    /// </summary>
    public async Task<IReadOnlyList<StatementCount>> StatementsAsync()
    {
        if (!CountsStatements)
            return [];
        await using var connection = await OpenAdminAsync();
        await using var command = new NpgsqlCommand(
            "SELECT query, calls, total_exec_time + total_plan_time FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = @db ORDER BY calls DESC", connection);
        command.Parameters.AddWithValue("db", Name);
        var rows = new List<StatementCount>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new StatementCount(reader.GetString(0), reader.GetInt64(1), TimeSpan.FromMilliseconds(reader.GetDouble(2))));
        return rows;
    }

    /// <summary>Committed plus rolled-back transactions on this database; backends report them within about 10 s.</summary>
    public async Task<long> TransactionsAsync() =>
        Convert.ToInt64(await ScalarAsync(_adminConnectionString,
            $"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{Name}'"));

    /// <summary>The server's max_connections: sessions beyond it are refused, whatever the clients' pools allow.</summary>
    public async Task<int> MaxConnectionsAsync() =>
        int.Parse((string)(await ScalarAsync(_adminConnectionString, "SHOW max_connections"))!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reports by saga state, to explain a run whose reports did not end (empty if the table is not there).</summary>
    public async Task<string> DescribeSagaStatesAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = Name }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT coalesce(current_state, '(none)'), count(*) FROM report_state GROUP BY 1 ORDER BY 2 DESC", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var parts = new List<string>();
            while (await reader.ReadAsync())
                parts.Add($"{reader.GetString(0)}={reader.GetInt64(1)}");
            return "saga rows by state: " + string.Join(", ", parts);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return $"(could not read report_state: {e.Message})";
        }
    }

    public async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // FORCE ends the sessions of service processes that did not go away in time.
        await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await ExecuteAsync(_adminConnectionString, $"DROP ROLE IF EXISTS \"{Name}\"");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
