using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;

namespace ReportSaga.Persistence;

/// <summary>The PostgreSQL flavour of <see cref="ReportSagaDbContext"/>; its migrations are in Migrations/Postgres.</summary>
public sealed class PostgresReportSagaDbContext(DbContextOptions<PostgresReportSagaDbContext> options) : ReportSagaDbContext(options)
{
    /// <inheritdoc />
    public override IDatabaseDialect Dialect => PostgresDialect.Instance;

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ApplyUtcConversions(modelBuilder, dateTimeOffsetsToUtc: true);
    }
}
