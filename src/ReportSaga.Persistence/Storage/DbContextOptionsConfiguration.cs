using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.Persistence.Storage;

/// <summary>How each provider is configured, shared by the service and the design-time (dotnet ef) factories.</summary>
internal static class DbContextOptionsConfiguration
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// The service's defaults for an Npgsql connection string; a key the operator wrote in it wins.
    /// <list type="bullet">
    /// <item><c>No Reset On Close=true</c>: Npgsql would otherwise reset every pooled connection on its return
    /// (<c>DISCARD ALL</c>, a round trip each time it is opened again: about 30 per report). The service keeps no
    /// session state (no SET, no session-level locks, temporary tables or LISTEN; its advisory lock is
    /// transaction-scoped).</item>
    /// <item><c>Max Auto Prepare=64</c>: the statements a consume runs again and again (inbox, saga row, outbox, history)
    /// are prepared on each connection after a few uses, so PostgreSQL stops parsing and planning them every time (a
    /// quarter less database CPU per report, docs/benchmarks.md). Behind a pooler in transaction mode that does not
    /// track prepared statements (PgBouncer before 1.21), set <c>Max Auto Prepare=0</c>.</item>
    /// </list>
    /// </summary>
    internal static string WithServiceDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, "No Reset On Close", "NoResetOnClose"))
            builder.NoResetOnClose = true;
        if (!Names(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    private static bool Names(string connectionString, params string[] keys) =>
        keys.Any(key => connectionString.Contains(key, StringComparison.OrdinalIgnoreCase));

    /// <summary>PostgreSQL, with the stand-ins' save interceptors.</summary>
    public static void ConfigurePostgres(DbContextOptionsBuilder options, StorageSettings settings)
    {
        // No EnableRetryOnFailure: a retrying execution strategy refuses user-started transactions, and the
        // outbox, saga repository and dispatchers all run their own. A transient failure fails the message
        // attempt instead, and the endpoint's message retry (the service's UseReportSagaMessageRetry)
        // runs the whole attempt again.
        options.UseNpgsql(WithServiceDefaults(settings.ConnectionString),
            npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable));
        options.AddEntityFrameworkCoreIntegration();
    }

    /// <summary>SQLite (WAL, busy timeout), with the stand-ins' save interceptors.</summary>
    public static void ConfigureSqlite(DbContextOptionsBuilder options, StorageSettings settings)
    {
        options.UseSqlite(settings.ConnectionString,
                sqlite => sqlite.MigrationsHistoryTable(MigrationsHistoryTable))
            .AddInterceptors(new SqlitePragmaInterceptor());
        options.AddEntityFrameworkCoreIntegration();
    }
}
