using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;

namespace ReportSaga.Persistence.Storage;

/// <summary>Creates a fresh <see cref="ReportSagaDbContext"/> outside any message scope (ledger, dispatchers, migrations).</summary>
internal interface IReportSagaDbContextFactory
{
    ReportSagaDbContext CreateDbContext();
}

/// <summary>
/// Both factories on the configured provider's context: the application's own, and the one through which the
/// MassTransit stand-ins (saga repository, outbox, scheduler) reach the same database.
/// </summary>
internal sealed class ReportSagaDbContextFactory<TContext>(IDbContextFactory<TContext> inner, IDatabaseDialect dialect)
    : IReportSagaDbContextFactory, IMessagingDbContextFactory
    where TContext : ReportSagaDbContext
{
    public IDatabaseDialect Dialect => dialect;

    public ReportSagaDbContext CreateDbContext() => inner.CreateDbContext();

    DbContext IMessagingDbContextFactory.CreateDbContext() => inner.CreateDbContext();

    public DbContext ScopedDbContext(IServiceProvider scope) => scope.GetRequiredService<ReportSagaDbContext>();
}
