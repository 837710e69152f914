using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence;

/// <summary>The PostgreSQL flavour of <see cref="ReportSagaDbContext"/>; its migrations are in Migrations/Postgres.</summary>
public sealed class PostgresReportSagaDbContext(DbContextOptions<PostgresReportSagaDbContext> options) : ReportSagaDbContext(options)
{
    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ApplyUtcConversions(modelBuilder);
    }
}
