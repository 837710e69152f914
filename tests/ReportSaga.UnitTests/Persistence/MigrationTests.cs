using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ReportSaga.UnitTests.BatchApi;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

public sealed class When_the_schema_is_migrated : IDisposable
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    public void Dispose() => _storage.Dispose();

    [Fact]
    public void Both_providers_migrations_capture_the_whole_model()
    {
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);

        Assert.False(postgres.Database.HasPendingModelChanges(), "PostgreSQL: add a migration (Migrations/README.md)");
        Assert.False(sqlite.Database.HasPendingModelChanges(), "SQLite: add a migration (Migrations/README.md)");
    }

    [Fact]
    public async Task A_new_file_is_created_migrated_and_reported_ready()
    {
        await using var provider = Build();
        var before = await ReportSagaDatabase.CheckMigrationsAsync(provider);
        Assert.False(before.IsCurrent);
        Assert.NotEmpty(before.Pending);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckHealthAsync(provider)).Status);

        await ReportSagaDatabase.MigrateAsync(provider);

        Assert.True(File.Exists(_storage.Path));
        Assert.True((await ReportSagaDatabase.CheckMigrationsAsync(provider)).IsCurrent);
        var health = await CheckHealthAsync(provider);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        // The kind of database only: health output names no file, host or database.
        Assert.Equal("sqlite: migrations current", health.Description);
        Assert.DoesNotContain(_storage.Path, health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_database_is_checked_and_migrated_without_an_error_in_the_log()
    {
        var log = new CapturingLoggerProvider();
        await using var provider = Build(logging => logging.AddProvider(log).SetMinimumLevel(LogLevel.Debug));

        Assert.NotEmpty((await ReportSagaDatabase.CheckMigrationsAsync(provider)).Pending);
        await ReportSagaDatabase.MigrateAsync(provider);
        Assert.True((await ReportSagaDatabase.CheckMigrationsAsync(provider)).IsCurrent);

        Assert.Contains(log.Lines, line => line.Contains("Applying migration", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_migration_unknown_to_this_build_is_reported()
    {
        await using var provider = Build();
        await ReportSagaDatabase.MigrateAsync(provider);
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO __ef_migrations_history (\"MigrationId\", \"ProductVersion\") VALUES ('29990101000000_FromTheFuture', '10.0.15')");
        }

        var status = await ReportSagaDatabase.CheckMigrationsAsync(provider);

        Assert.False(status.IsCurrent);
        Assert.Equal(["29990101000000_FromTheFuture"], status.Unknown);
    }

    [Fact]
    public async Task The_sqlite_file_runs_in_wal_mode()
    {
        await using var provider = Build();
        await ReportSagaDatabase.MigrateAsync(provider);
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();

        var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").SingleAsync();

        Assert.Equal("wal", mode);
    }

    private ServiceProvider Build(Action<ILoggingBuilder>? logging = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder => logging?.Invoke(builder));
        services.AddReportSagaPersistence(_storage.Settings);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckHealthAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));
        return report.Entries[PersistenceServiceCollectionExtensions.HealthCheckName];
    }
}

public sealed class When_storage_is_configured
{
    [Fact]
    public void A_postgres_connection_string_is_described_without_its_password()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = "Host=db.internal;Port=5433;Database=reports;Username=svc;Password=s3cret",
            })
            .Build();

        var settings = StorageSettings.FromConfiguration(configuration);

        Assert.Equal(StorageProvider.Postgres, settings.Provider);
        Assert.Equal("postgres://db.internal:5433/reports", settings.Description);
        Assert.DoesNotContain("s3cret", settings.Description);
    }

    [Fact]
    public void Without_postgres_a_sqlite_file_in_the_content_root_is_used()
    {
        var root = Path.Combine(Path.GetTempPath(), "reportsaga-root");
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["contentRoot"] = root })
            .Build();

        var settings = StorageSettings.FromConfiguration(configuration);

        Assert.Equal(StorageProvider.Sqlite, settings.Provider);
        Assert.Equal("sqlite://" + Path.Combine(root, "reportsaga.db"), settings.Description);
    }
}
