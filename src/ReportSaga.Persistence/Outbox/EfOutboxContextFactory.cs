using MassTransit;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Outbox;

/// <summary>
/// Core MassTransit's outbox engine on <see cref="ReportSagaDbContext"/>. Each consumed message runs as a loop of
/// short transactions driven by core's <c>OutboxMessagePipe</c>: (1) insert the inbox row for (message id, consumer);
/// (2) lock it, consume, and commit the state changes, the outgoing messages and "consumed" together; (3) lock it,
/// send the stored messages, commit "delivered"; (4) remove the sent rows. A redelivered message that finds its row
/// consumed skips the consumer and only delivers. The lock is real: PostgreSQL <c>SELECT … FOR UPDATE</c> under READ
/// COMMITTED (a duplicate waits, then sees "consumed"); SQLite, one instance only, an in-process lock per inbox key,
/// with the consumer's saves collected and written in one short transaction at the end.
/// </summary>
internal sealed class EfOutboxContextFactory(
    ReportSagaDbContext db,
    IServiceProvider provider,
    IOptions<ReportSagaOutboxOptions> options,
    TimeProvider time) : IOutboxContextFactory<ReportSagaDbContext>
{
    private const string InboxLockSql =
        "SELECT * FROM inbox_state WHERE message_id = {0} AND consumer_id = {1} FOR UPDATE";

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions consumeOptions, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? MessageIdFromBody(context.ReceiveContext);

        var continueProcessing = true;
        while (continueProcessing)
            continueProcessing = await ExecuteAsync(context, consumeOptions, next, messageId);
    }

    /// <summary>
    /// A plain-JSON message from a publisher in another language may come without an AMQP message id. The inbox
    /// needs one, so it is derived from the body: a redelivery of the same message gets the same id and is not
    /// consumed twice, and two identical bodies are one request anyway (the request id is the idempotency key).
    /// </summary>
    internal static Guid MessageIdFromBody(ReceiveContext receiveContext)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(receiveContext.Body.GetBytes());
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // mark it as a name-based (version 5 style) GUID
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    private async Task<bool> ExecuteAsync<T>(ConsumeContext<T> context, OutboxConsumeOptions consumeOptions,
        IPipe<OutboxConsumeContext<T>> next, Guid messageId)
        where T : class
    {
        var cancellationToken = context.CancellationToken;
        var sqlite = db.Provider == StorageProvider.Sqlite;
        using var locks = new HeldLocks();
        IDbContextTransaction? transaction = null;

        // Nothing from an earlier lap (or a failed attempt) may be saved with this one.
        db.ChangeTracker.Clear();
        try
        {
            if (sqlite)
            {
                await locks.HoldAsync(InboxKey(messageId, consumeOptions.ConsumerId), cancellationToken);
                db.DeferSaves = true;
            }
            else
                transaction = await db.Database.BeginTransactionAsync(TransactionRunner.IsolationFor(db), cancellationToken);

            var inbox = sqlite
                ? await db.InboxStates.AsTracking()
                    .SingleOrDefaultAsync(x => x.MessageId == messageId && x.ConsumerId == consumeOptions.ConsumerId, cancellationToken)
                : (await db.InboxStates.FromSqlRaw(InboxLockSql, messageId, consumeOptions.ConsumerId).AsTracking()
                    .ToListAsync(cancellationToken)).SingleOrDefault();

            if (inbox is null)
            {
                // First sight: record it and commit at once, so a concurrent duplicate collides on the unique key.
                db.InboxStates.Add(new InboxState
                {
                    MessageId = messageId,
                    ConsumerId = consumeOptions.ConsumerId,
                    LockId = NewId.NextGuid(),
                    Received = time.GetUtcNow().UtcDateTime,
                    ExpirationTime = context.ExpirationTime?.ToUniversalTime(),
                });
                await CommitAsync(transaction, cancellationToken);
                return true;
            }

            inbox.LockId = NewId.NextGuid();
            inbox.ReceiveCount++;
            var wasConsumed = inbox.Consumed.HasValue;

            var outboxContext = new EfOutboxConsumeContext<T>(context, consumeOptions, provider, db, inbox, locks, time);
            await next.Send(outboxContext);
            await CommitAsync(transaction, cancellationToken);

            if (!wasConsumed && inbox.Consumed.HasValue && options.Value.AfterConsumeCommitted is { } hook)
                await hook(messageId);

            return outboxContext.ContinueProcessing;
        }
        catch
        {
            if (transaction is not null)
                await TransactionRunner.RollbackQuietlyAsync(transaction);
            db.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            db.DeferSaves = false;
            if (transaction is not null)
                await transaction.DisposeAsync();
        }
    }

    private async Task CommitAsync(IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        // SQLite: everything the consumer saved, in one short write transaction.
        db.DeferSaves = false;
        await TransactionRunner.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
    }

    internal static string InboxKey(Guid messageId, Guid consumerId) => $"inbox:{messageId:N}:{consumerId:N}";

    public void Probe(ProbeContext context) => context.CreateFilterScope("outboxContextFactory").Add("provider", "reportsaga-efcore");
}
