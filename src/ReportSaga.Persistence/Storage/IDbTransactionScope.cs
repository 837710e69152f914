namespace ReportSaga.Persistence.Storage;

/// <summary>
/// A consume context payload saying "a database transaction is open for this message on this DbContext": the
/// outbox sets it, and the saga repository then opens no transaction of its own and writes through the same
/// DbContext, so the saga's state and the outbox rows commit together (MassTransit issues #3802, #6152).
/// </summary>
internal interface IDbTransactionScope
{
    ReportSagaDbContext DbContext { get; }
}
