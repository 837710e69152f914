using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.Persistence.Storage;

/// <summary>Schema operations: apply the migrations, and check that the database's migrations match the code's.</summary>
public static class ReportSagaDatabase
{
    /// <summary>Any fixed number: the key of the PostgreSQL advisory lock that serialises migrations across instances.</summary>
    private const long MigrationLockKey = 0x5265_706F_7274_5347; // "ReportSG"

    /// <summary>
    /// Applies every pending migration of the configured provider (creating the SQLite file or the tables as
    /// needed). Safe to run from several instances at once: on PostgreSQL the whole run holds a session-level
    /// advisory lock (EF Core's own lock covers each migration's transaction, not the run, so two instances
    /// starting together could otherwise both apply the same later migration).
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var context = services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
        if (context.Provider != StorageProvider.Postgres)
        {
            await context.Database.MigrateAsync(cancellationToken);
            return;
        }

        // The lock belongs to the session: keep one connection open for the lock, the migrations and the unlock.
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                await context.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
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
