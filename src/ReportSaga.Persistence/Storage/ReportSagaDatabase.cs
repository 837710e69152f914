using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.Persistence.Storage;

/// <summary>Schema operations: apply the migrations, and check that the database's migrations match the code's.</summary>
public static class ReportSagaDatabase
{
    /// <summary>
    /// Applies every pending migration of the configured provider (creating the SQLite file or the tables as
    /// needed). Safe to run from several instances at once: EF Core takes a migration lock.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var context = services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        await context.Database.MigrateAsync(cancellationToken);
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
        var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
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
