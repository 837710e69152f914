namespace ReportSaga.Persistence.Storage;

/// <summary>
/// A consume context payload saying "a database transaction is open for this message on this DbContext": the
/// outbox sets it, and the saga repository then opens no transaction of its own and writes through the same
/// DbContext, so the saga's state and the outbox rows commit together (MassTransit issues #3802, #6152).
/// </summary>
internal interface IDbTransactionScope
{
    ReportSagaDbContext DbContext { get; }

    /// <summary>
    /// Serialises work on one saga instance until the scope commits. PostgreSQL locks the row itself
    /// (<c>FOR UPDATE</c>); SQLite, whose scope holds no transaction while the consumer runs, uses an in-process lock.
    /// </summary>
    Task HoldAsync(string key, CancellationToken cancellationToken);
}
