using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// A new database as an operator's first start meets it: checked, migrated without an error in the log, reported ready
/// without naming where it is, and a migration this build does not know is reported. Written once; each database's
/// subclass gives a new, empty database for every test.
/// </summary>
public abstract class MigrationTests : IAsyncLifetime
{
    private StorageSettings _settings = null!;

    /// <summary>A new, empty database of this test's own.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>The kind of database the health check names ("sqlite", "postgres").</summary>
    protected abstract string Kind { get; }

    /// <summary>Where the database is (file path, host, database name): none of it may show in health output.</summary>
    protected abstract IEnumerable<string> Whereabouts { get; }

    public async Task InitializeAsync() => _settings = await CreateStorageAsync();

    public Task DisposeAsync() => DropStorageAsync();

    protected ServiceProvider Build(Action<ILoggingBuilder>? logging = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder => logging?.Invoke(builder));
        services.AddReportSagaPersistence(_settings);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckHealthAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));
        return report.Entries[PersistenceServiceCollectionExtensions.HealthCheckName];
    }

    [Fact]
    public async Task A_new_database_is_migrated_and_reported_ready_without_naming_where_it_is()
    {
        await using var provider = Build();
        var before = await ReportSagaDatabase.CheckMigrationsAsync(provider);
        Assert.False(before.IsCurrent);
        Assert.NotEmpty(before.Pending);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckHealthAsync(provider)).Status);

        await ReportSagaDatabase.MigrateAsync(provider);

        Assert.True((await ReportSagaDatabase.CheckMigrationsAsync(provider)).IsCurrent);
        var health = await CheckHealthAsync(provider);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        // The kind of database only: health output names no file, host or database.
        Assert.Equal($"{Kind}: migrations current", health.Description);
        Assert.All(Whereabouts, where => Assert.DoesNotContain(where, health.Description, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_database_is_checked_and_migrated_without_an_error_in_the_log()
    {
        await using var provider = Build(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug));

        Assert.NotEmpty((await ReportSagaDatabase.CheckMigrationsAsync(provider)).Pending);
        await ReportSagaDatabase.MigrateAsync(provider);
        Assert.True((await ReportSagaDatabase.CheckMigrationsAsync(provider)).IsCurrent);

        // EF Core reads its history table before creating it and logs that read as an error (dotnet/efcore#37328).
        var entries = provider.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(entries, e => e.Message.Contains("Applying migration", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error);
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
}
