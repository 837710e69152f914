using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Samples;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>A new PostgreSQL database, as an operator's first start meets it.</summary>
public sealed class When_a_new_postgres_database_is_migrated(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task It_is_checked_and_migrated_without_an_error_in_the_log()
    {
        var log = new CapturedLog();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
        services.AddReportSagaPersistence(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
        await using var provider = services.BuildServiceProvider();

        Assert.NotEmpty((await ReportSagaDatabase.CheckMigrationsAsync(provider)).Pending);
        await ReportSagaDatabase.MigrateAsync(provider);
        Assert.True((await ReportSagaDatabase.CheckMigrationsAsync(provider)).IsCurrent);

        // EF Core reads its history table before creating it and logs that read as an error (dotnet/efcore#37328).
        var entries = await log.WaitUntilAsync(e => e.Any(x => x.Message.Contains("Applying migration", StringComparison.Ordinal)), "Applying migration");
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error);
    }
}
