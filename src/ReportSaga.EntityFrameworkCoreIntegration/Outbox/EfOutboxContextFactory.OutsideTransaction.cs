using MassTransit;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// The consume of a consumer that calls other services (<see cref="ReportSagaOutboxOptions.ConsumesOutsideTransaction"/>):
/// no database transaction, row lock or connection is held while it runs, however long its calls take.
/// <list type="number">
/// <item>Look at the inbox row without locking it (inserting it if missing). Consumed: skip, as for any consumer.</item>
/// <item>Run the consumer with its saves and outgoing messages collected in memory.</item>
/// <item>One short transaction: lock the inbox row (PostgreSQL <c>FOR UPDATE</c>; SQLite's <c>BEGIN IMMEDIATE</c> and
/// the in-process inbox lock). If a duplicate delivery of the same message ran the consumer meanwhile and committed
/// first, its effects stand and this attempt's are discarded; otherwise the collected rows and "consumed" commit.</item>
/// </list>
/// Unlike the locked way, duplicates of one message may therefore run the consumer at the same time; only one of
/// them takes effect.
/// </summary>
internal sealed partial class EfOutboxContextFactory
{
    private async Task<Lap> ConsumeOutsideTransactionAsync<T>(ConsumeContext<T> context, OutboxConsumeOptions consumeOptions,
        IPipe<OutboxConsumeContext<T>> next, Guid messageId, long started)
        where T : class
    {
        var cancellationToken = context.CancellationToken;
        var consumerId = consumeOptions.ConsumerId;
        using var locks = new HeldLocks();
        IDbContextTransaction? transaction = null;

        db.ChangeTracker.Clear();
        try
        {
            var inbox = await FindInboxRowAsync(messageId, consumerId, cancellationToken)
                ?? await InsertInboxRowAsync(context, messageId, consumerId, cancellationToken)
                ?? await FindInboxRowAsync(messageId, consumerId, cancellationToken);
            if (inbox is null)
                return Lap.Again;

            // Consumed already: the locked way skips it (and counts the receive) in a transaction that calls nothing.
            if (inbox.Consumed.HasValue)
                return await ExecuteAsync(context, consumeOptions, next, messageId, started);

            inbox.ReceiveCount++;
            DeferredSaves.Set(db, true);
            var outboxContext = new EfOutboxConsumeContext<T>(context, consumeOptions, provider, db, Dialect, inbox, locks, time);
            await next.Send(outboxContext);
            DeferredSaves.Set(db, false);

            await Dialect.HoldAsync(locks, InboxKey(messageId, consumerId), cancellationToken);
            transaction = await db.Database.BeginTransactionAsync(Dialect.IsolationLevel, cancellationToken);
            var current = await LockInboxRowAsync(messageId, consumerId, cancellationToken);
            if (current is null)
            {
                // Removed meanwhile (the cleanup takes rows delivered long ago): nothing of this attempt may stand.
                db.ChangeTracker.Clear();
                return Lap.Again;
            }

            if (current.Consumed.HasValue)
            {
                // A duplicate delivery of this message ran the consumer too and committed first.
                db.ChangeTracker.Clear();
                await db.Set<InboxState>().Where(x => x.Id == current.Id).ExecuteUpdateAsync(set => set
                    .SetProperty(x => x.ReceiveCount, x => x.ReceiveCount + 1)
                    .SetProperty(x => x.LockId, NewId.NextGuid()), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogDebug("Message {MessageId} was consumed by a duplicate delivery meanwhile; this attempt's effects are discarded", messageId);
                return current.Delivered.HasValue ? Lap.Done : Lap.DoneDeliveryPending;
            }

            inbox.ReceiveCount = current.ReceiveCount + 1;
            inbox.LockId = NewId.NextGuid();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            if (options.Value.AfterConsumeCommitted is { } hook)
                await hook(messageId);

            return Lap.Committed;
        }
        catch
        {
            await AbandonAttemptAsync(transaction);
            throw;
        }
        finally
        {
            await EndAttemptAsync(transaction);
        }
    }

    private Task<InboxState?> FindInboxRowAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        db.Set<InboxState>().AsTracking().SingleOrDefaultAsync(x => x.MessageId == messageId && x.ConsumerId == consumerId, cancellationToken);

    /// <summary>The row as committed now, locked until the transaction ends (on SQLite the transaction is the lock).</summary>
    private async Task<InboxState?> LockInboxRowAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        Dialect.LocksRows
            ? (await db.Set<InboxState>().FromSqlRaw(InboxLockSql, messageId, consumerId).AsNoTracking().ToListAsync(cancellationToken)).SingleOrDefault()
            : await db.Set<InboxState>().AsNoTracking().SingleOrDefaultAsync(x => x.MessageId == messageId && x.ConsumerId == consumerId, cancellationToken);

    /// <summary>
    /// First sight, committed at once: the row, tracked, or null if a duplicate inserted it first (read theirs then).
    /// </summary>
    private async Task<InboxState?> InsertInboxRowAsync<T>(ConsumeContext<T> context, Guid messageId, Guid consumerId,
        CancellationToken cancellationToken)
        where T : class
    {
        if (Dialect.LocksRows)
        {
            var inserted = await db.Set<InboxState>().FromSqlRaw(InboxInsertIfMissingSql + " RETURNING *",
                    InboxInsertParameters(context, messageId, consumerId))
                .AsTracking().ToListAsync(cancellationToken);
            return inserted.SingleOrDefault();
        }

        var row = new InboxState
        {
            MessageId = messageId,
            ConsumerId = consumerId,
            LockId = NewId.NextGuid(),
            Received = time.GetUtcNow().UtcDateTime,
            ExpirationTime = context.ExpirationTime?.ToUniversalTime(),
        };
        db.Set<InboxState>().Add(row);
        try
        {
            await TransactionRunner.RunAsync(db, Dialect, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
            return row;
        }
        catch (DbUpdateException exception) when (StorageErrors.IsUniqueViolation(exception))
        {
            // One instance, but two deliveries of the message can arrive together.
            return null;
        }
    }
}
