using MassTransit;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// Core MassTransit's outbox engine on the application's DbContext. A consumed message's state changes, outgoing
/// messages and "consumed" commit together; the consume then ends and its messages are handed to the
/// <see cref="OutboxDeliveryService"/>, which sends them off the consumer's path (core would send them in the consume
/// itself; why it does not here is told on <see cref="OutboxDeliveryService"/>). A redelivered message that finds its inbox row consumed skips the consumer and is only handed over
/// again if still undelivered. Every consumer and saga runs inside the lock on its inbox row: PostgreSQL, one READ
/// COMMITTED transaction that inserts the inbox row for (message id, consumer) or counts the receive, locks it (one
/// <c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c>: a duplicate waits, then sees "consumed"), runs the consumer
/// (core's <c>OutboxMessagePipe</c>) and commits. SQLite, one instance only: an in-process lock per inbox key, with the
/// consumer's saves collected and written in one short transaction.
/// </summary>
internal sealed class EfOutboxContextFactory(
    IMessagingDbContextFactory contexts,
    IServiceProvider provider,
    IOptions<ReportSagaOutboxOptions> options,
    OutboxDeliveryService deliveries,
    TimeProvider time) : IOutboxContextFactory<DbContext>
{
    // The message scope's DbContext: the saga repository and the application's scoped services save through it too.
    private readonly DbContext db = contexts.ScopedDbContext(provider);

    private IDatabaseDialect Dialect => contexts.Dialect;

    // The inbox row of the consume that committed (its key, for recording the delivery).
    private long? _committedInboxId;

    private enum Lap
    {
        Again,
        Done,

        /// <summary>Consumed earlier (a redelivery): its stored messages may still be undelivered.</summary>
        DoneDeliveryPending,

        /// <summary>This lap committed the consume: its messages are still in memory and go out from there.</summary>
        Committed,
    }

    // First sight, the attempt's count and the lock in one statement and one round trip. Under READ COMMITTED a
    // concurrent duplicate's insert of the same key waits for ours to commit or roll back; then it updates the committed
    // row (taking its lock, as FOR UPDATE would) and sees it as committed. A first sight is written consumed at once:
    // the row becomes visible with the consume's commit or never (a failed consume rolls it back), so a row anyone
    // else can see is a consumed one, and the consume's commit needs no second write of the row.
    private const string InboxUpsertSql =
        "INSERT INTO inbox_state (message_id, consumer_id, lock_id, received, receive_count, expiration_time, consumed) " +
        "VALUES (@message_id, @consumer_id, @lock_id, @received, 1, @expiration_time, @received) " +
        "ON CONFLICT (message_id, consumer_id) DO UPDATE SET lock_id = excluded.lock_id, receive_count = inbox_state.receive_count + 1 " +
        "RETURNING " + InboxRowReader.Columns;

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions consumeOptions, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? IdFromBody(context.ReceiveContext);
        var started = time.GetTimestamp();

        var lap = Lap.Again;
        while (lap == Lap.Again)
            lap = await ExecuteAsync(context, consumeOptions, next, messageId, started);

        // After the locks are released, so the worker can take the row at once.
        if (lap == Lap.Committed)
            deliveries.DeliverSoon(new CommittedConsume(messageId, consumeOptions.ConsumerId, _committedInboxId,
                CommittedMessages(messageId, consumeOptions.ConsumerId)));
        else if (lap == Lap.DoneDeliveryPending)
            deliveries.DeliverSoon(new CommittedConsume(messageId, consumeOptions.ConsumerId, InboxId: null, Messages: null));
    }

    /// <summary>The outbox rows this consume just committed, in store order (still tracked by its DbContext).</summary>
    private List<OutboxMessage> CommittedMessages(Guid messageId, Guid consumerId) =>
        db.ChangeTracker.Entries<OutboxMessage>()
            .Select(entry => entry.Entity)
            .Where(message => message.InboxMessageId == messageId && message.InboxConsumerId == consumerId)
            .OrderBy(message => message.SequenceNumber)
            .ToList();

    private async Task<Lap> ExecuteAsync<T>(ConsumeContext<T> context, OutboxConsumeOptions consumeOptions,
        IPipe<OutboxConsumeContext<T>> next, Guid messageId, long started)
        where T : class
    {
        var cancellationToken = context.CancellationToken;
        // Without row locks (SQLite) the consume holds an in-process lock on its inbox key and no transaction.
        var noRowLocks = !Dialect.LocksRows;
        using var locks = new HeldLocks();
        IDbContextTransaction? transaction = null;

        // Nothing from an earlier lap (or a failed attempt) may be saved with this one.
        db.ChangeTracker.Clear();
        try
        {
            if (noRowLocks)
            {
                await Dialect.HoldAsync(locks, InboxKey(messageId, consumeOptions.ConsumerId), cancellationToken);
                DeferredSaves.Set(db, true);
            }
            else
            {
                transaction = await db.Database.BeginTransactionAsync(Dialect.IsolationLevel, cancellationToken);
                // Every save of the consume (saga, outbox rows, "consumed") goes to the database once, at the commit:
                // one batch instead of a round trip per save.
                DeferredSaves.Set(db, true);
            }

            // PostgreSQL: first sight, the attempt's count and the lock in one statement (see InboxUpsertSql).
            var inbox = noRowLocks
                ? await db.Set<InboxState>().AsTracking()
                    .SingleOrDefaultAsync(x => x.MessageId == messageId && x.ConsumerId == consumeOptions.ConsumerId, cancellationToken)
                : await UpsertInboxRowAsync(context, messageId, consumeOptions.ConsumerId, cancellationToken);

            if (inbox is null)
            {
                // SQLite, first sight: record it and commit at once.
                db.Set<InboxState>().Add(new InboxState
                {
                    MessageId = messageId,
                    ConsumerId = consumeOptions.ConsumerId,
                    LockId = NewId.NextGuid(),
                    Received = time.GetUtcNow().UtcDateTime,
                    ExpirationTime = context.ExpirationTime?.ToUniversalTime(),
                });
                await CommitAsync(transaction, cancellationToken);
                return Lap.Again;
            }

            if (noRowLocks)
            {
                inbox.LockId = NewId.NextGuid();
                inbox.ReceiveCount++;
            }

            // PostgreSQL: the upsert inserted the row (first sight) or counted a receive of a committed, so consumed, one.
            if (noRowLocks ? inbox.Consumed.HasValue : inbox.ReceiveCount > 1)
            {
                // A redelivery (or a duplicate that waited on the lock): the consumer does not run again.
                await CommitAsync(transaction, cancellationToken);
                // Tell MassTransit it was handled, or it would move the message to the _skipped queue.
                if (context.ReceiveContext is { IsDelivered: false, IsFaulted: false })
                    await context.NotifyConsumed(context, time.GetElapsedTime(started), consumeOptions.ConsumerType);
                return inbox.Delivered.HasValue ? Lap.Done : Lap.DoneDeliveryPending;
            }

            var outboxContext = new EfOutboxConsumeContext<T>(context, consumeOptions, provider, db, Dialect, inbox, locks, time,
                consumedOnInsert: !noRowLocks);
            await next.Send(outboxContext);
            await CommitAsync(transaction, cancellationToken);
            _committedInboxId = inbox.Id;

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

    /// <summary>
    /// PostgreSQL: the message's inbox row, inserted or counted, locked until the transaction ends, and tracked. Read
    /// with plain ADO.NET: it runs once per consumed message, and EF's raw-SQL query path costs more CPU than the
    /// statement itself.
    /// </summary>
    private async Task<InboxState> UpsertInboxRowAsync<T>(ConsumeContext<T> context, Guid messageId, Guid consumerId, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = InboxUpsertSql;
        command.Parameters.AddRange(InboxInsertParameters(context, messageId, consumerId));
        InboxState row;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                throw new InvalidOperationException("The inbox upsert returned no row.");
            row = InboxRowReader.Read(reader);
        }
        db.Set<InboxState>().Attach(row);
        return row;
    }

    private NpgsqlParameter[] InboxInsertParameters<T>(ConsumeContext<T> context, Guid messageId, Guid consumerId)
        where T : class =>
    [
        new("message_id", NpgsqlDbType.Uuid) { Value = messageId },
        new("consumer_id", NpgsqlDbType.Uuid) { Value = consumerId },
        new("lock_id", NpgsqlDbType.Uuid) { Value = NewId.NextGuid() },
        new("received", NpgsqlDbType.TimestampTz) { Value = time.GetUtcNow().UtcDateTime },
        new("expiration_time", NpgsqlDbType.TimestampTz)
        {
            Value = context.ExpirationTime is { } expiration ? expiration.ToUniversalTime() : DBNull.Value,
        },
    ];

    /// <summary>A failed attempt: its transaction rolled back and what it tracked forgotten, so a retry starts clean.</summary>
    private async Task AbandonAttemptAsync(IDbContextTransaction? transaction)
    {
        if (transaction is not null)
            await TransactionRunner.RollbackQuietlyAsync(transaction);
        db.ChangeTracker.Clear();
    }

    /// <summary>Any attempt, however it ended: saves go straight to the database again and the transaction is released.</summary>
    private async Task EndAttemptAsync(IDbContextTransaction? transaction)
    {
        DeferredSaves.Set(db, false);
        if (transaction is not null)
            await transaction.DisposeAsync();
    }

    private async Task CommitAsync(IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            DeferredSaves.Set(db, false);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        // SQLite: everything the consumer saved, in one short write transaction.
        DeferredSaves.Set(db, false);
        await TransactionRunner.RunAsync(db, Dialect, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The inbox key of a message that arrived without an id: plain-JSON publishers (the contract allows them, in any
    /// language) often set no AMQP <c>message_id</c>. The same bytes redelivered get the same id, so the inbox still
    /// drops a repeat; two publishes of identical bytes are the same request anyway (the body carries its request id).
    /// </summary>
    internal static Guid IdFromBody(ReceiveContext receive)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(receive.Body.GetBytes());
        return new Guid(hash.AsSpan(0, 16));
    }

    internal static string InboxKey(Guid messageId, Guid consumerId) => $"inbox:{messageId:N}:{consumerId:N}";

    public void Probe(ProbeContext context) => context.CreateFilterScope("outboxContextFactory").Add("provider", "reportsaga-efcore");
}
