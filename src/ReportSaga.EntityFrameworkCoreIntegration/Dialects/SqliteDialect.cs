using System.Data;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Dialects;

/// <summary>
/// SQLite, one instance on one file: SERIALIZABLE, which Microsoft.Data.Sqlite opens with <c>BEGIN IMMEDIATE</c> (the
/// writer lock is taken up front, so two writers queue on the busy timeout instead of failing halfway). There are no
/// row locks: the write transaction is the lock, and what must not run twice at once is serialised in-process.
/// Holding SQLite's single write lock across a whole consume would stall every other writer, so a consume collects its
/// saves and writes them in one short transaction at the end.
/// </summary>
public sealed class SqliteDialect : IDatabaseDialect
{
    /// <summary>The one instance.</summary>
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect()
    {
    }

    /// <inheritdoc />
    public string Name => "Sqlite";

    /// <inheritdoc />
    public IsolationLevel IsolationLevel => IsolationLevel.Serializable;

    /// <inheritdoc />
    public bool LocksRows => false;

    /// <inheritdoc />
    public bool DeliversFromMemory => false;

    /// <summary>SQLite keeps a <see cref="DateTimeOffset"/> as text, which EF Core cannot compare in SQL.</summary>
    public bool OrdersDateTimeOffsetsInSql => false;

    /// <summary>One writer at a time: more workers would only queue on its lock.</summary>
    public int DeliveryWorkers(int configured) => 1;

    /// <summary>No row locks: the write transaction (<c>BEGIN IMMEDIATE</c>) is the lock.</summary>
    public string ForUpdate(string select) => select;

    /// <summary>No row locks: the write transaction (<c>BEGIN IMMEDIATE</c>) is the lock.</summary>
    public string ForUpdateSkipLocked(string select) => select;

    /// <inheritdoc />
    public Task HoldAsync(HeldLocks locks, string key, CancellationToken cancellationToken) => locks.HoldAsync(key, cancellationToken);

    /// <inheritdoc />
    public async Task<T> RunExclusiveAsync<T>(DbContext context, long lockKey, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        using var exclusive = await InProcessLocks.AcquireAsync($"exclusive:{lockKey}", cancellationToken);
        return await TransactionRunner.RunAsync(context, this, work, cancellationToken);
    }

    /// <summary>One instance: nobody else migrates the file.</summary>
    public Task RunWithSessionLockAsync(DbContext context, long lockKey, Func<Task> work, CancellationToken cancellationToken) => work();

    /// <inheritdoc />
    public string TableExistsSql(string table) =>
        $"SELECT count(*) > 0 AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
}
