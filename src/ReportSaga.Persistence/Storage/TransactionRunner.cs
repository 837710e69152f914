using System.Data;
using Microsoft.EntityFrameworkCore;

namespace ReportSaga.Persistence.Storage;

/// <summary>Short explicit transactions with each provider's right isolation level.</summary>
internal static class TransactionRunner
{
    /// <summary>
    /// PostgreSQL: READ COMMITTED, with rows locked explicitly (<c>FOR UPDATE</c>): a waiter then sees the row the
    /// other transaction committed, where REPEATABLE READ would fail with a serialization error. SQLite:
    /// SERIALIZABLE, which Microsoft.Data.Sqlite opens with <c>BEGIN IMMEDIATE</c>: the writer lock is taken up
    /// front, so two writers queue on the busy timeout instead of failing halfway.
    /// </summary>
    public static IsolationLevel IsolationFor(ReportSagaDbContext context) =>
        context.Provider == StorageProvider.Postgres ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable;

    public static async Task<T> RunAsync<T>(ReportSagaDbContext context, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await context.Database.BeginTransactionAsync(IsolationFor(context), cancellationToken);
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

    public static Task RunAsync(ReportSagaDbContext context, Func<Task> work, CancellationToken cancellationToken) =>
        RunAsync(context, async () =>
        {
            await work();
            return true;
        }, cancellationToken);

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
