using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.Persistence.Storage;

/// <summary>Schema operations: apply the migrations, and check that the database's migrations match the code's.</summary>
public static class ReportSagaDatabase
{
    /// <summary>Any fixed number: the key of the lock that serialises migrations across instances.</summary>
    private const long MigrationLockKey = 0x5265_706F_7274_5347; // "ReportSG"

    /// <summary>
    /// Applies every pending migration of the configured provider (creating the SQLite file or the tables as
    /// needed). Safe to run from several instances at once: the whole run holds the dialect's session lock (on
    /// PostgreSQL an advisory lock: EF Core's own lock covers each migration's transaction, not the run, so two
    /// instances starting together could otherwise both apply the same later migration).
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var context = services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        await context.Dialect.RunWithSessionLockAsync(context, MigrationLockKey, async () =>
        {
            await CreateHistoryTableAsync(context, cancellationToken);
            await context.Database.MigrateAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Creates EF Core's migrations history table when it is missing. EF Core reads it before creating it, and on a
    /// new database logs that read as an error (<c>Failed executing DbCommand … __EFMigrationsHistory</c>, dotnet/efcore
    /// issue 37328) although nothing is wrong; an operator's first start should not begin with an error line.
    /// </summary>
    private static async Task CreateHistoryTableAsync(ReportSagaDbContext context, CancellationToken cancellationToken)
    {
        if (!await HistoryTableExistsAsync(context, cancellationToken))
            await context.Database.ExecuteSqlRawAsync(context.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
    }

    /// <summary>Asks the catalog, not EF Core (whose own check reads the table and logs the failure as an error).</summary>
    private static async Task<bool> HistoryTableExistsAsync(ReportSagaDbContext context, CancellationToken cancellationToken)
    {
        var sql = context.Dialect.TableExistsSql(DbContextOptionsConfiguration.MigrationsHistoryTable);
        return await context.Database.SqlQueryRaw<bool>(sql).SingleAsync(cancellationToken);
    }

    /// <summary>Compares the migrations applied to the database with those this build carries.</summary>
    public static async Task<MigrationStatus> CheckMigrationsAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var context = services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        return await CheckMigrationsAsync(context, cancellationToken);
    }

    internal static async Task<MigrationStatus> CheckMigrationsAsync(ReportSagaDbContext context, CancellationToken cancellationToken)
    {
        var known = context.Database.GetMigrations().ToList();
        // A new database has no history table: nothing is applied (asking EF would log a spurious error).
        var applied = await HistoryTableExistsAsync(context, cancellationToken)
            ? (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList()
            : [];
        return new MigrationStatus(
            Pending: known.Except(applied).ToList(),
            Unknown: applied.Except(known).ToList());
    }
}

/// <summary>The result of <see cref="ReportSagaDatabase.CheckMigrationsAsync(IServiceProvider, CancellationToken)"/>.</summary>
/// <param name="Pending">Migrations this build has that the database lacks (run <c>migrate</c>).</param>
/// <param name="Unknown">Migrations applied to the database that this build does not know (a newer build migrated it).</param>
public sealed record MigrationStatus(IReadOnlyList<string> Pending, IReadOnlyList<string> Unknown)
{
    /// <summary>The database's schema is exactly the one this build expects.</summary>
    public bool IsCurrent => Pending.Count == 0 && Unknown.Count == 0;

    /// <inheritdoc />
    public override string ToString() => IsCurrent
        ? "migrations current"
        : $"pending: [{string.Join(", ", Pending)}]; unknown to this build: [{string.Join(", ", Unknown)}]";
}
