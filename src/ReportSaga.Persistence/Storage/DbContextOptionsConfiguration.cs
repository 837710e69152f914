using Microsoft.EntityFrameworkCore;

namespace ReportSaga.Persistence.Storage;

/// <summary>How each provider is configured, shared by the service and the design-time (dotnet ef) factories.</summary>
internal static class DbContextOptionsConfiguration
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    public static void Configure(DbContextOptionsBuilder options, StorageSettings settings)
    {
        switch (settings.Provider)
        {
            case StorageProvider.Postgres:
                // No EnableRetryOnFailure: a retrying execution strategy refuses user-started transactions, and the
                // outbox, saga repository and dispatchers all run their own. A transient failure fails the message
                // attempt instead, and the endpoint's message retry (see StorageRetry) runs the whole attempt again.
                options.UseNpgsql(settings.ConnectionString,
                    npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable));
                break;

            default:
                options.UseSqlite(settings.ConnectionString,
                        sqlite => sqlite.MigrationsHistoryTable(MigrationsHistoryTable))
                    .AddInterceptors(new SqlitePragmaInterceptor());
                break;
        }
    }
}
