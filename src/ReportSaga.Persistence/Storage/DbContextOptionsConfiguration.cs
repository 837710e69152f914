using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.Persistence.Storage;

/// <summary>How each provider is configured, shared by the service and the design-time (dotnet ef) factories.</summary>
internal static class DbContextOptionsConfiguration
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// Npgsql resets every pooled connection on its return (<c>DISCARD ALL</c>, a round trip each time it is opened
    /// again: about 30 per report). The service keeps no session state (no SET, no session-level locks, temporary
    /// tables or LISTEN; its advisory lock is transaction-scoped), so the reset is turned off unless the connection
    /// string says otherwise.
    /// </summary>
    internal static string WithoutResetOnClose(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>PostgreSQL, with the stand-ins' save interceptors.</summary>
    public static void ConfigurePostgres(DbContextOptionsBuilder options, StorageSettings settings)
    {
        // No EnableRetryOnFailure: a retrying execution strategy refuses user-started transactions, and the
        // outbox, saga repository and dispatchers all run their own. A transient failure fails the message
        // attempt instead, and the endpoint's message retry (the service's UseReportSagaMessageRetry)
        // runs the whole attempt again.
        options.UseNpgsql(WithoutResetOnClose(settings.ConnectionString),
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
