using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence;

/// <summary>The SQLite flavour of <see cref="ReportSagaDbContext"/>; its migrations are in Migrations/Sqlite.</summary>
public sealed class SqliteReportSagaDbContext(DbContextOptions<SqliteReportSagaDbContext> options) : ReportSagaDbContext(options)
{
    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ApplyUtcConversions(modelBuilder);
    }
}
