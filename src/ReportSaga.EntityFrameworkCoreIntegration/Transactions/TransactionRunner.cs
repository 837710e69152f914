using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>Short explicit transactions with each database's right isolation level (<see cref="IDatabaseDialect.IsolationLevel"/>).</summary>
public static class TransactionRunner
{
    /// <summary>Runs <paramref name="work"/> in one transaction; on failure rolls back and forgets the attempt's tracked entities.</summary>
    public static async Task<T> RunAsync<T>(DbContext context, IDatabaseDialect dialect, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await context.Database.BeginTransactionAsync(dialect.IsolationLevel, cancellationToken);
        try
        {
            var result = await work();
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            await RollbackQuietlyAsync(transaction);
            // Tracked entities of the failed attempt must not leak into a retry on the same context.
            context.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction; on failure rolls back and forgets the attempt's tracked entities.</summary>
    public static Task RunAsync(DbContext context, IDatabaseDialect dialect, Func<Task> work, CancellationToken cancellationToken) =>
        RunAsync(context, dialect, async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    /// <summary>Rolls back, ignoring a connection that is gone (the database rolls back an abandoned transaction by itself).</summary>
    public static async Task RollbackQuietlyAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The connection may be gone; the database rolls back an abandoned transaction by itself.
        }
    }
}
