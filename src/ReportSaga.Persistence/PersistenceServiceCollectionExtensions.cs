using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReportSaga.EntityFrameworkCoreIntegration;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.Persistence;

/// <summary>Registers ReportSaga's storage.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>The health check's name (tagged <c>ready</c>).</summary>
    public const string HealthCheckName = "storage";

    /// <summary>The section of <see cref="StorageStartupOptions"/> (<see cref="StorageSettings.MigrateOnStartupKey"/>).</summary>
    private const string StorageSection = "Storage";

    /// <summary>
    /// Registers the database (<c>ConnectionStrings:Postgres</c> → PostgreSQL, else the SQLite file
    /// <c>Storage:SqlitePath</c>), the scoped <see cref="ReportSagaDbContext"/>, the start-up migration
    /// (<c>Storage:MigrateOnStartup</c>, default true), the <c>ready</c> health check and
    /// <see cref="ISubmissionLedger"/> (<see cref="EfSubmissionLedger"/>), the submission gate's storage
    /// (<see cref="ISubmissionQueue"/>, <see cref="ISubmissionGrants"/>) and the read-only
    /// <see cref="Reports.IReportStatusReader"/> and <see cref="IRecentReportDurations"/>. Returns the resolved settings: log
    /// <see cref="StorageSettings.Description"/>, never the connection string.
    /// </summary>
    public static StorageSettings AddReportSagaPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var settings = StorageSettings.FromConfiguration(configuration);
        services.AddReportSagaPersistence(settings);
        // Storage__MigrateOnStartup; a value that is not true or false stops start-up naming the key.
        services.AddOptions<StorageStartupOptions>().BindSettings(configuration.GetSection(StorageSection));
        return settings;
    }

    /// <summary>As <see cref="AddReportSagaPersistence(IServiceCollection, IConfiguration)"/>, with settings made by the caller (tests).</summary>
    public static StorageSettings AddReportSagaPersistence(this IServiceCollection services, StorageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);

        services.TryAddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);

        // The one place the database is chosen; everything after asks its dialect.
        switch (settings.Provider)
        {
            case StorageProvider.Postgres:
                Register<PostgresReportSagaDbContext>(services, settings, PostgresDialect.Instance, DbContextOptionsConfiguration.ConfigurePostgres);
                break;
            default:
                Register<SqliteReportSagaDbContext>(services, settings, SqliteDialect.Instance, DbContextOptionsConfiguration.ConfigureSqlite);
                break;
        }

        services.AddMetrics();
        services.AddOptions<StorageStartupOptions>();
        services.AddHostedService<MigrationHostedService>();
        services.TryAddSingleton<Retention.FinishedReportRetentionService>();
        services.AddHostedService(provider => provider.GetRequiredService<Retention.FinishedReportRetentionService>());
        services.AddHealthChecks().AddCheck<StorageHealthCheck>(HealthCheckName, tags: ["ready"]);
        services.TryAddSingleton<Reports.IReportStatusReader, Reports.ReportStatusReader>();
        // What the polling policy learns from: the completed reports' rows, shared by every instance.
        services.TryAddSingleton<Reports.RecentReportDurationsCache>();
        services.TryAddScoped<IRecentReportDurations, Reports.RecentReportDurations>();
        services.TryAddSingleton<Reports.IReportQueries, Reports.ReportQueries>();
        services.TryAddSingleton<ISubmissionLedger>(provider => new EfSubmissionLedger(
            provider.GetRequiredService<IReportSagaDbContextFactory>(), provider.GetRequiredService<TimeProvider>()));
        // The submission gate: the saga's side shares the message scope's DbContext (its transaction), the granter's
        // side runs short transactions of its own.
        services.TryAddScoped<ISubmissionQueue, EfSubmissionQueue>();
        services.TryAddSingleton<ISubmissionGrants, EfSubmissionGrants>();
        // The account guard's reading, shared by the instances through the database; per-requester usage for operators.
        services.TryAddSingleton<AccountCreditsReader>();
        services.TryAddSingleton<IAccountCreditsCache, EfAccountCreditsCache>();
        services.TryAddSingleton<Reports.IRequesterUsageReader, Reports.RequesterUsageReader>();
        // A report's history is written by the saga in its own transaction, like its gate entry.
        services.TryAddScoped<Orchestration.Reports.History.IReportHistory, Reports.EfReportHistory>();
        return settings;
    }

    private static void Register<TContext>(IServiceCollection services, StorageSettings settings, IDatabaseDialect dialect,
        Action<DbContextOptionsBuilder, StorageSettings> configure)
        where TContext : ReportSagaDbContext
    {
        // Pooled: a plain factory builds each context's internal services afresh (EF looks its options up in a
        // process-wide cache and creates a service scope per context), which was the largest single allocation of a
        // consume (several per consumed message). A pooled context keeps them and is reset when it is returned; the
        // context holds no state of its own besides what EF resets (AutoSavepointsEnabled is set in its constructor,
        // which EF snapshots for every lease).
        services.AddPooledDbContextFactory<TContext>(options => configure(options, settings));
        // One registration only: the scope disposes what each factory registration returned, and a pooled context
        // disposed twice can go back to the pool while another scope has already leased it again (two scopes, one
        // connection). Nothing resolves TContext itself.
        services.TryAddScoped<ReportSagaDbContext>(provider => provider.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.TryAddSingleton(provider => new ReportSagaDbContextFactory<TContext>(provider.GetRequiredService<IDbContextFactory<TContext>>(), dialect));
        services.TryAddSingleton<IReportSagaDbContextFactory>(provider => provider.GetRequiredService<ReportSagaDbContextFactory<TContext>>());
        // How the MassTransit stand-ins (saga repository, outbox, scheduler) reach this database.
        services.TryAddSingleton<IMessagingDbContextFactory>(provider => provider.GetRequiredService<ReportSagaDbContextFactory<TContext>>());
    }
}
