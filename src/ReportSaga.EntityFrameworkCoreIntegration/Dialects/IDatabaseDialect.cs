using System.Data;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Dialects;

/// <summary>
/// Everything that differs between the databases the stand-ins run on, in one type per database (what
/// MassTransit's <c>ILockStatementProvider</c> does for its EF Core packages): the row-lock statements, the
/// transaction isolation, whether a consume holds a transaction or collects its saves, in-process locks where the
/// database has no row locks, and how the outbox delivers. Code elsewhere asks the dialect and never names a database.
/// </summary>
public interface IDatabaseDialect
{
    /// <summary>The database's name, for probes and logs (<c>Postgres</c>, <c>Sqlite</c>).</summary>
    string Name { get; }

    /// <summary>The isolation level of every explicit transaction.</summary>
    IsolationLevel IsolationLevel { get; }

    /// <summary>
    /// True: rows are locked in the database (<see cref="ForUpdate"/>), and a consume runs inside one transaction that
    /// holds its inbox and saga rows, its saves deferred to the commit. False: the database has one writer at a time
    /// and no row locks; a consume runs with no transaction open, its saves collected and written in one short
    /// transaction at the end, and inbox keys and saga instances are serialised with in-process locks
    /// (<see cref="HoldAsync"/>), which only works for one instance.
    /// </summary>
    bool LocksRows { get; }

    /// <summary>
    /// Whether a committed consume's outbox rows are sent from memory, as handed over, and recorded as delivered in one
    /// statement per batch; otherwise each is sent from its stored rows under its inbox lock.
    /// </summary>
    bool DeliversFromMemory { get; }

    /// <summary>Whether EF Core can compare and order <see cref="DateTimeOffset"/> columns in SQL on this database.</summary>
    bool OrdersDateTimeOffsetsInSql { get; }

    /// <summary>How many delivery workers send handed-over consumes, given the configured number.</summary>
    int DeliveryWorkers(int configured);

    /// <summary><paramref name="select"/> with its rows locked until the transaction ends (a waiter waits).</summary>
    string ForUpdate(string select);

    /// <summary><paramref name="select"/> with its rows locked, skipping rows another transaction holds.</summary>
    string ForUpdateSkipLocked(string select);

    /// <summary>
    /// Holds <paramref name="key"/> in <paramref name="locks"/> until they are released, where the database cannot lock
    /// the row itself; a no-op where it can (<see cref="LocksRows"/>).
    /// </summary>
    Task HoldAsync(HeldLocks locks, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction that no other holder of <paramref name="lockKey"/> runs beside,
    /// across every instance the database serves (a transaction-scoped lock, or an in-process one for a one-instance database).
    /// </summary>
    Task<T> RunExclusiveAsync<T>(DbContext context, long lockKey, Func<Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> on one open connection that no other holder of <paramref name="lockKey"/> runs beside,
    /// whatever transactions it opens (schema migrations).
    /// </summary>
    Task RunWithSessionLockAsync(DbContext context, long lockKey, Func<Task> work, CancellationToken cancellationToken);

    /// <summary>A query of one boolean column <c>Value</c>: whether the table <paramref name="table"/> exists.</summary>
    string TableExistsSql(string table);
}
