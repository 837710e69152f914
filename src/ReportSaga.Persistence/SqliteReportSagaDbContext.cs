using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;

namespace ReportSaga.Persistence;

/// <summary>The SQLite flavour of <see cref="ReportSagaDbContext"/>; its migrations are in Migrations/Sqlite.</summary>
public sealed class SqliteReportSagaDbContext(DbContextOptions<SqliteReportSagaDbContext> options) : ReportSagaDbContext(options)
{
    /// <inheritdoc />
    public override IDatabaseDialect Dialect => SqliteDialect.Instance;

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ApplyUtcConversions(modelBuilder, dateTimeOffsetsToUtc: false);
    }
}
