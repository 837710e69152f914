using System.Threading.Channels;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Telemetry;

namespace ReportSaga.Persistence.Outbox;

/// <summary>
/// Sends what consumes committed to the outbox. Consumers never send themselves: a consume that waits on the broker
/// can deadlock RabbitMQ.Client 7 when the connection drops (the connection's shutdown waits for the consumer
/// dispatcher, the consumer waits for a send on that same dying connection, and the endpoint never comes back; see
/// docs/operations.md). So each committed consume is handed here (<see cref="DeliverSoon"/>) and sent at once by a
/// few workers, off the consumer's path; a sweep delivers whatever is left (a crash between commit and hand-over, a
/// full hand-over queue, a failed send). Every send has a hard time limit, so no worker hangs on a dead connection.
/// </summary>
/// <remarks>
/// Inbox rows are taken with <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL (instances and workers share the work; the
/// transaction spans the sends) and with the same in-process lock the consumer holds on SQLite (one instance; the
/// sends happen outside a write transaction, which SQLite would hold for the whole database). Messages keep their
/// ids and headers; a message sent but not recorded (a crash right after the send) is sent again with the same id.
/// </remarks>
internal sealed class OutboxDeliveryService(
    IReportSagaDbContextFactory factory,
    StorageSettings storage,
    IBus bus,
    TimeProvider time,
    IOptions<ReportSagaOutboxOptions> options,
    PersistenceTelemetry telemetry,
    ILogger<OutboxDeliveryService> logger) : BackgroundService
{
    private const string LockOneSql =
        "SELECT * FROM inbox_state WHERE message_id = {0} AND consumer_id = {1} AND consumed IS NOT NULL AND delivered IS NULL " +
        "FOR UPDATE SKIP LOCKED";

    private const string LockBatchSql =
        "SELECT * FROM inbox_state WHERE consumed IS NOT NULL AND delivered IS NULL AND consumed <= {0} " +
        "ORDER BY consumed LIMIT {1} FOR UPDATE SKIP LOCKED";

    private readonly ReportSagaOutboxOptions _options = options.Value;

    // Bounded: when the broker is away, the hand-over queue fills and further consumes are left to the sweep.
    private readonly Channel<(Guid MessageId, Guid ConsumerId)> _handedOver =
        Channel.CreateBounded<(Guid, Guid)>(new BoundedChannelOptions(options.Value.HandOverCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
        });

    /// <summary>Queues a just-committed consume's messages for sending now; returns false when the queue is full (the sweep sends them).</summary>
    public bool DeliverSoon(Guid messageId, Guid consumerId) => _handedOver.Writer.TryWrite((messageId, consumerId));

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // SQLite has one writer at a time; more workers would only queue on its lock.
        var workers = storage.Provider == StorageProvider.Sqlite ? 1 : Math.Max(1, _options.DeliveryConcurrency);
        var loops = Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)).ToList();
        if (_options.RunDeliverySweep)
            loops.Add(Task.Run(() => SweepAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(loops);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (messageId, consumerId) in _handedOver.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await DeliverOneAsync(messageId, consumerId, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The sweep takes it from here.
                    logger.LogWarning(exception, "Outbox delivery of consumed message {MessageId} failed; the sweep retries it", messageId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stoppingToken) >= _options.DeliveryBatchSize)
                {
                }
                await MeasureBacklogAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Outbox delivery sweep failed");
            }

            try
            {
                await Task.Delay(_options.DeliveryInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Counts stored, undelivered outbox messages for the backlog gauge.</summary>
    internal async Task<long> MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var backlog = await db.OutboxMessages.LongCountAsync(cancellationToken);
        telemetry.SetOutboxBacklog(backlog);
        return backlog;
    }

    /// <summary>Delivers one consumed message's outbox; false when another worker or instance has it, or it is done already.</summary>
    internal async Task<bool> DeliverOneAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        if (db.Provider == StorageProvider.Sqlite)
        {
            using var handle = InProcessLocks.TryAcquire(EfOutboxContextFactory.InboxKey(messageId, consumerId));
            if (handle is null)
                return false;
            var row = await db.InboxStates.AsTracking()
                .SingleOrDefaultAsync(x => x.MessageId == messageId && x.ConsumerId == consumerId && x.Consumed != null && x.Delivered == null,
                    cancellationToken);
            return row is not null && await DeliverOutsideTransactionAsync(db, row, cancellationToken);
        }

        return await TransactionRunner.RunAsync(db, async () =>
        {
            var inbox = (await db.InboxStates.FromSqlRaw(LockOneSql, messageId, consumerId).AsTracking().ToListAsync(cancellationToken))
                .SingleOrDefault();
            if (inbox is null)
                return false;
            var delivered = await SendAsync(db, inbox, cancellationToken);
            if (delivered)
                await MarkDeliveredAsync(db, inbox, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return delivered;
        }, cancellationToken);
    }

    /// <summary>Delivers the messages of up to one batch of consumed, undelivered inbox rows left past the grace period; returns how many rows it finished.</summary>
    internal async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var cutoff = time.GetUtcNow().UtcDateTime - _options.DeliveryGracePeriod;
        if (db.Provider == StorageProvider.Sqlite)
        {
            var rows = await db.InboxStates.AsNoTracking()
                .Where(x => x.Consumed != null && x.Delivered == null && x.Consumed <= cutoff)
                .OrderBy(x => x.Consumed).Take(_options.DeliveryBatchSize)
                .Select(x => new { x.MessageId, x.ConsumerId })
                .ToListAsync(cancellationToken);
            var done = 0;
            foreach (var row in rows)
                if (await DeliverOneAsync(row.MessageId, row.ConsumerId, cancellationToken))
                {
                    logger.LogInformation("The sweep delivered the outbox of consumed message {MessageId}", row.MessageId);
                    done++;
                }
            return done;
        }

        return await TransactionRunner.RunAsync(db, async () =>
        {
            var candidates = await db.InboxStates.FromSqlRaw(LockBatchSql, cutoff, _options.DeliveryBatchSize)
                .AsTracking().ToListAsync(cancellationToken);
            var finished = 0;
            foreach (var inbox in candidates)
            {
                if (!await SendAsync(db, inbox, cancellationToken))
                    break;
                await MarkDeliveredAsync(db, inbox, cancellationToken);
                logger.LogInformation("The sweep delivered the outbox of consumed message {MessageId}", inbox.MessageId);
                finished++;
            }

            await db.SaveChangesAsync(cancellationToken);
            return finished;
        }, cancellationToken);
    }

    private async Task<bool> DeliverOutsideTransactionAsync(ReportSagaDbContext db, InboxState inbox, CancellationToken cancellationToken)
    {
        var delivered = await SendAsync(db, inbox, cancellationToken);
        // Record what went out even when the rest failed, so a later attempt does not send it again.
        await TransactionRunner.RunAsync(db, async () =>
        {
            if (delivered)
                await MarkDeliveredAsync(db, inbox, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        return delivered;
    }

    /// <summary>Sends the row's unsent messages in order, recording each on the row; false at the first that fails.</summary>
    private async Task<bool> SendAsync(ReportSagaDbContext db, InboxState inbox, CancellationToken cancellationToken)
    {
        var last = inbox.LastSequenceNumber ?? 0;
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(x => x.InboxMessageId == inbox.MessageId && x.InboxConsumerId == inbox.ConsumerId && x.SequenceNumber > last)
            .OrderBy(x => x.SequenceNumber)
            .ToListAsync(cancellationToken);

        foreach (var message in messages)
        {
            message.Deserialize(SystemTextJsonMessageSerializer.Instance);
            if (message.DestinationAddress is null)
                continue;
            try
            {
                var parent = ((MessageContext)message).Headers.Get<string>("MT-Activity-Id");
                using var activity = PersistenceTelemetry.StartUnderStoredParent("outbox deliver", parent);
                activity?.SetTag("messaging.message.id", message.MessageId.ToString());

                await BoundedSend.SendAsync(bus, message.DestinationAddress, new OutboxMessageSendPipe(message, message.DestinationAddress),
                    _options.MessageDeliveryTimeout, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not deliver outbox message {MessageId} to {Destination}", message.MessageId, message.DestinationAddress);
                return false;
            }
            inbox.LastSequenceNumber = message.SequenceNumber;
        }

        logger.LogDebug("Delivered {Count} outbox message(s) of consumed message {MessageId}", messages.Count, inbox.MessageId);
        return true;
    }

    private async Task MarkDeliveredAsync(ReportSagaDbContext db, InboxState inbox, CancellationToken cancellationToken)
    {
        inbox.Delivered = time.GetUtcNow().UtcDateTime;
        await db.OutboxMessages.Where(x => x.InboxMessageId == inbox.MessageId && x.InboxConsumerId == inbox.ConsumerId)
            .ExecuteDeleteAsync(cancellationToken);
    }
}
