using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ReportSaga.Persistence.Storage;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the PostgreSQL context without a running service. The connection
/// string is never opened when adding a migration; for <c>database update</c> pass <c>--connection</c>.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresReportSagaDbContext>
{
    public PostgresReportSagaDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresReportSagaDbContext>();
        DbContextOptionsConfiguration.ConfigurePostgres(options, StorageSettings.ForPostgres("Host=localhost;Database=reportsaga"));
        return new PostgresReportSagaDbContext(options.Options);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteReportSagaDbContext>
{
    public SqliteReportSagaDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteReportSagaDbContext>();
        DbContextOptionsConfiguration.ConfigureSqlite(options, StorageSettings.ForSqliteFile("reportsaga.design.db"));
        return new SqliteReportSagaDbContext(options.Options);
    }
}
