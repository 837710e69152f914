using Microsoft.EntityFrameworkCore;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>
/// A consume context payload saying "a database transaction is open for this message on this DbContext": the
/// outbox sets it, and the saga repository then opens no transaction of its own and writes through the same
/// DbContext, so the saga's state and the outbox rows commit together (MassTransit issues #3802, #6152).
/// </summary>
internal interface IDbTransactionScope
{
    DbContext DbContext { get; }

    /// <summary>
    /// Serialises work on one saga instance until the scope commits, where the database cannot lock the row itself
    /// (SQLite, whose scope holds no transaction while the consumer runs: an in-process lock); a no-op where the row
    /// is locked with <c>FOR UPDATE</c> (PostgreSQL). See <see cref="Dialects.IDatabaseDialect.HoldAsync"/>.
    /// </summary>
    Task HoldAsync(string key, CancellationToken cancellationToken);
}
