using Microsoft.EntityFrameworkCore;

namespace ReportSaga.Persistence.Storage;

/// <summary>Creates a fresh <see cref="ReportSagaDbContext"/> outside any message scope (ledger, dispatchers, migrations).</summary>
internal interface IReportSagaDbContextFactory
{
    ReportSagaDbContext CreateDbContext();
}

internal sealed class ReportSagaDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IReportSagaDbContextFactory
    where TContext : ReportSagaDbContext
{
    public ReportSagaDbContext CreateDbContext() => inner.CreateDbContext();
}
