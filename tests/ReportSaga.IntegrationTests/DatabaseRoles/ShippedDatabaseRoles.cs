using System.Diagnostics;
using Npgsql;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Samples;

namespace ReportSaga.IntegrationTests.DatabaseRoles;

/// <summary>
/// A database and the two roles of deploy/postgres/roles.sql, made by running that script with psql as its header
/// says (the way docker-compose's PostgreSQL runs it on its first start). Role names get a suffix (roles are
/// server-wide); dispose drops the database and both roles.
/// </summary>
internal sealed class ShippedDatabaseRoles : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private ShippedDatabaseRoles(string adminConnectionString, string database, string owner, string app, string ownerPassword, string appPassword)
    {
        _adminConnectionString = adminConnectionString;
        Database = database;
        OwnerRole = owner;
        AppRole = app;
        OwnerConnectionString = ConnectionString(adminConnectionString, database, owner, ownerPassword);
        AppConnectionString = ConnectionString(adminConnectionString, database, app, appPassword);
    }

    public static string Script { get; } = Path.Combine(Path.GetDirectoryName(SamplesDirectory.Path)!, "deploy", "postgres", "roles.sql");

    public string Database { get; }

    public string OwnerRole { get; }

    public string AppRole { get; }

    /// <summary>As the role that owns the schema (the migrate Job's).</summary>
    public string OwnerConnectionString { get; }

    /// <summary>As the role that reads and writes rows (the replicas').</summary>
    public string AppConnectionString { get; }

    public static async Task<ShippedDatabaseRoles> CreateAsync()
    {
        var server = await PostgresTestServer.GetAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        // A password psql must quote: the script passes it through :'…' as a literal.
        var roles = new ShippedDatabaseRoles(server.AdminConnectionString, $"reportsaga_roles_{suffix}",
            $"reportsaga_owner_{suffix}", $"reportsaga_app_{suffix}", $"o'wn er;{suffix}", $"a'pp\"{suffix}");
        try
        {
            await roles.ApplyScriptAsync();
            return roles;
        }
        catch
        {
            await roles.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs roles.sql with psql as the admin role; safe to repeat.</summary>
    public async Task ApplyScriptAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(_adminConnectionString);
        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     $"host={admin.Host} port={admin.Port} user={admin.Username} dbname={admin.Database}", "-v", "ON_ERROR_STOP=1",
                     "-v", $"database={Database}", "-v", $"owner_role={OwnerRole}", "-v", $"app_role={AppRole}",
                     "-v", $"owner_password={new NpgsqlConnectionStringBuilder(OwnerConnectionString).Password}",
                     "-v", $"app_password={new NpgsqlConnectionStringBuilder(AppConnectionString).Password}",
                     "-f", Script,
                 })
            start.ArgumentList.Add(argument);
        start.Environment["PGPASSWORD"] = admin.Password ?? "";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"deploy/postgres/roles.sql is run with psql, which is not installed ({e.Message}): " +
                                               "install PostgreSQL's client (Debian: postgresql-client).");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(guard.Token);
            Assert.True(process.ExitCode == 0, $"psql -f roles.sql exited with {process.ExitCode}: {await error}");
            // psql prints command tags only: no statement, so no password.
            Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(AppConnectionString).Password!, await output + await error);
        }
    }

    private static string ConnectionString(string admin, string database, string role, string password) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = database, Username = role, Password = password, Pooling = false }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
                 {
                     $"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)",
                     $"DROP ROLE IF EXISTS \"{AppRole}\"",
                     $"DROP ROLE IF EXISTS \"{OwnerRole}\"",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
