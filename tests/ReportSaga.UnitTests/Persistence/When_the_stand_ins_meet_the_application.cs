using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>
/// The MassTransit stand-ins (src/ReportSaga.EntityFrameworkCoreIntegration) know nothing of the application: it hands
/// them its DbContext and its database's dialect.
/// </summary>
public sealed class When_the_stand_ins_meet_the_application
{
    [Fact]
    public void The_stand_ins_reference_no_assembly_of_the_application()
    {
        var references = typeof(IMessagingDbContextFactory).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("MassTransit", references);
        Assert.DoesNotContain(references, name => name.StartsWith("ReportSaga.", StringComparison.Ordinal));
    }

    [Fact]
    public void PostgreSQL_settings_give_the_stand_ins_the_PostgreSQL_dialect()
    {
        using var provider = Storage(StorageSettings.ForPostgres("Host=localhost;Database=reportsaga"));

        Assert.Same(PostgresDialect.Instance, provider.GetRequiredService<IMessagingDbContextFactory>().Dialect);
    }

    [Fact]
    public void SQLite_settings_give_the_stand_ins_the_SQLite_dialect_and_the_message_scope_s_own_DbContext()
    {
        using var provider = Storage(StorageSettings.ForSqliteFile(Path.Combine(Path.GetTempPath(), $"standins-{Guid.NewGuid():N}.db")));
        var contexts = provider.GetRequiredService<IMessagingDbContextFactory>();
        using var scope = provider.CreateScope();

        Assert.Same(SqliteDialect.Instance, contexts.Dialect);
        // What the saga repository and the outbox save goes through the DbContext the application's scoped services use.
        Assert.Same(scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>(), contexts.ScopedDbContext(scope.ServiceProvider));
    }

    [Fact]
    public void A_DbContext_without_the_stand_ins_interceptors_is_refused_with_what_to_call()
    {
        var settings = StorageSettings.ForSqliteFile(Path.Combine(Path.GetTempPath(), $"standins-{Guid.NewGuid():N}.db"));
        var bare = new DbContextOptionsBuilder<SqliteReportSagaDbContext>().UseSqlite(settings.ConnectionString);
        var configured = new DbContextOptionsBuilder<SqliteReportSagaDbContext>();
        DbContextOptionsConfiguration.ConfigureSqlite(configured, settings);
        using var without = new SqliteReportSagaDbContext(bare.Options);
        using var with = new SqliteReportSagaDbContext(configured.Options);

        var refused = Assert.Throws<InvalidOperationException>(() => DbContextOptionsBuilderExtensions.EnsureAdded(without));

        Assert.Contains("AddEntityFrameworkCoreIntegration()", refused.Message);
        DbContextOptionsBuilderExtensions.EnsureAdded(with);
    }

    private static ServiceProvider Storage(StorageSettings settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReportSagaPersistence(settings);
        return services.BuildServiceProvider();
    }
}
