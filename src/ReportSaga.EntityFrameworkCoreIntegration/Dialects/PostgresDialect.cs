using System.Data;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Dialects;

/// <summary>
/// PostgreSQL, several instances on one database: READ COMMITTED with rows locked explicitly (<c>FOR UPDATE</c>: a
/// waiter then sees the row the other transaction committed, where REPEATABLE READ would fail with a serialization
/// error), <c>SKIP LOCKED</c> so instances and workers share the dispatchers' work, advisory locks for what spans rows.
/// </summary>
public sealed class PostgresDialect : IDatabaseDialect
{
    /// <summary>The one instance.</summary>
    public static readonly PostgresDialect Instance = new();

    private PostgresDialect()
    {
    }

    /// <inheritdoc />
    public string Name => "Postgres";

    /// <inheritdoc />
    public IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

    /// <inheritdoc />
    public bool LocksRows => true;

    /// <inheritdoc />
    public bool DeliversFromMemory => true;

    /// <inheritdoc />
    public bool OrdersDateTimeOffsetsInSql => true;

    /// <inheritdoc />
    public int DeliveryWorkers(int configured) => Math.Max(1, configured);

    /// <inheritdoc />
    public string ForUpdate(string select) => select + " FOR UPDATE";

    /// <inheritdoc />
    public string ForUpdateSkipLocked(string select) => select + " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    public Task HoldAsync(HeldLocks locks, string key, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<T> RunExclusiveAsync<T>(DbContext context, long lockKey, Func<Task<T>> work, CancellationToken cancellationToken) =>
        TransactionRunner.RunAsync(context, this, async () =>
        {
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken);
            return await work();
        }, cancellationToken);

    /// <inheritdoc />
    public async Task RunWithSessionLockAsync(DbContext context, long lockKey, Func<Task> work, CancellationToken cancellationToken)
    {
        // The lock belongs to the session: keep one connection open for the lock, the work and the unlock.
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({lockKey})", cancellationToken);
            try
            {
                await work();
            }
            finally
            {
                await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    /// <inheritdoc />
    public string TableExistsSql(string table) => $"SELECT to_regclass('{table}') IS NOT NULL AS \"Value\"";
}
