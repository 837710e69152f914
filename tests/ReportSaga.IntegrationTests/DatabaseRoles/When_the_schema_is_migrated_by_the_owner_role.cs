using Npgsql;
using ReportSaga.Service.Hosting;

namespace ReportSaga.IntegrationTests.DatabaseRoles;

/// <summary>
/// Issue #12, item 6: with the roles of deploy/postgres/roles.sql, the `migrate` verb applies the schema as the owner
/// role (the Kubernetes Job, compose's migrate service), and the replicas' role can read and write every row of it
/// but cannot create, alter or drop anything.
/// </summary>
public sealed class When_the_schema_is_migrated_by_the_owner_role
{
    [Fact]
    public async Task The_service_role_reads_and_writes_every_table_but_changes_no_schema_even_after_the_script_runs_again()
    {
        await using var roles = await ShippedDatabaseRoles.CreateAsync();

        Assert.Equal(0, await MigrateCommand.RunAsync([$"--ConnectionStrings:Postgres={roles.OwnerConnectionString}"]));
        await AssertRowsOnlyAsync(roles);

        // Run again (a password change, say): nothing is lost, and a later migrate run still works as the owner.
        await roles.ApplyScriptAsync();
        Assert.Equal(0, await MigrateCommand.RunAsync([$"--ConnectionStrings:Postgres={roles.OwnerConnectionString}"]));
        await AssertRowsOnlyAsync(roles);
    }

    [Fact]
    public async Task The_service_roles_sessions_are_ended_after_five_minutes_idle_in_a_transaction()
    {
        await using var roles = await ShippedDatabaseRoles.CreateAsync();

        // A leaked transaction would hold its row locks for good; the role's own setting bounds it, with no
        // connection-string option (which PgBouncer refuses).
        Assert.Equal("5min", await ShowAsync(roles.AppConnectionString, "idle_in_transaction_session_timeout"));
    }

    private static async Task<string> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AssertRowsOnlyAsync(ShippedDatabaseRoles roles)
    {
        await using var app = new NpgsqlConnection(roles.AppConnectionString);
        await app.OpenAsync();

        var tables = await ListAsync(app, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
                                          "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1");
        Assert.Contains("report_state", tables);
        Assert.Contains("__ef_migrations_history", tables);
        // has_table_privilege with several privileges is true when any is held: ask for each one.
        var lacking = await ListAsync(app,
            "SELECT c.relname || ' ' || p.privilege FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) AS p(privilege) " +
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT has_table_privilege(current_user, c.oid, p.privilege) " +
            "UNION ALL SELECT c.relname || ' ' || p.privilege FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "CROSS JOIN (VALUES ('USAGE'), ('SELECT')) AS p(privilege) " +
            "WHERE n.nspname = 'public' AND c.relkind = 'S' AND NOT has_sequence_privilege(current_user, c.oid, p.privilege)");
        Assert.Empty(lacking);

        var changes = new[]
        {
            "CREATE TABLE not_ours (id int)",
            "ALTER TABLE report_state ADD COLUMN not_ours int",
            "DROP TABLE report_state",
            "TRUNCATE report_state",
            "CREATE INDEX not_ours ON report_state (correlation_id)",
        };
        foreach (var sql in changes)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var command = new NpgsqlCommand(sql, app);
                await command.ExecuteNonQueryAsync();
            });
            Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }

        // Rows, as the service writes them: an insert, an update and a delete in the migrations history stand for all.
        await using var write = new NpgsqlCommand(
            "INSERT INTO __ef_migrations_history VALUES ('zz_probe', 'probe'); " +
            "UPDATE __ef_migrations_history SET \"ProductVersion\" = 'probed' WHERE \"MigrationId\" = 'zz_probe'; " +
            "DELETE FROM __ef_migrations_history WHERE \"MigrationId\" = 'zz_probe'", app);
        await write.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }
}
