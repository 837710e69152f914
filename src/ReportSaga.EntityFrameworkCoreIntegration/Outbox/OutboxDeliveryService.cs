using System.Threading.Channels;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.EntityFrameworkCoreIntegration.Mapping;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.EntityFrameworkCoreIntegration.Telemetry;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// Sends what consumes committed to the outbox. Consumers never send themselves: a consume that waits on the broker
/// can deadlock RabbitMQ.Client 7 when the connection drops (the connection's shutdown waits for the consumer
/// dispatcher, the consumer waits for a send on that same dying connection, and the endpoint never comes back; see
/// docs/operations.md). So each committed consume is handed here (<see cref="DeliverSoon"/>) and sent at once by a
/// few workers, off the consumer's path; a sweep delivers whatever is left (a crash between commit and hand-over, a
/// full hand-over queue, a failed send). Every send has a hard time limit, so no worker hangs on a dead connection.
/// </summary>
/// <remarks>
/// Inbox rows are taken with <c>FOR UPDATE SKIP LOCKED</c> where rows lock (PostgreSQL: instances and workers share the work; the
/// transaction spans the sends) and with the same in-process lock the consumer holds elsewhere (SQLite, one instance; the
/// sends happen outside a write transaction, which SQLite would hold for the whole database). Messages keep their
/// ids and headers; a message sent but not recorded (a crash right after the send) is sent again with the same id.
/// A consumed message whose outbox cannot be sent (a destination the broker refuses) holds up nothing behind it: the
/// failure is counted on its inbox row, which waits before its next attempt (<see cref="ReportSagaOutboxOptions.DeliveryRetryDelay"/>,
/// doubling up to <see cref="ReportSagaOutboxOptions.DeliveryMaxRetryDelay"/>), and at
/// <see cref="ReportSagaOutboxOptions.DeliveryParkAfterAttempts"/> it is parked: kept, logged at Error and counted in
/// <c>reportsaga.outbox.parked</c>. A broker outage counts against no row (see <see cref="SendRetryPolicy"/>).
/// </remarks>
internal sealed partial class OutboxDeliveryService(
    IMessagingDbContextFactory factory,
    IBusControl bus,
    TimeProvider time,
    IOptions<ReportSagaOutboxOptions> options,
    PersistenceTelemetry telemetry,
    ILogger<OutboxDeliveryService> logger) : BackgroundService
{
    private readonly string _lockOneSql = factory.Dialect.ForUpdateSkipLocked(
        "SELECT * FROM inbox_state WHERE message_id = {0} AND consumer_id = {1} AND " + InboxStateMap.ToDeliverFilter + " AND " +
        "(next_delivery_at IS NULL OR next_delivery_at <= {2})");

    private readonly string _lockBatchSql = factory.Dialect.ForUpdateSkipLocked(
        "SELECT * FROM inbox_state WHERE " + InboxStateMap.ToDeliverFilter + " AND consumed <= {0} AND " +
        "(next_delivery_at IS NULL OR next_delivery_at <= {1}) ORDER BY consumed LIMIT {2}");

    private IDatabaseDialect Dialect => factory.Dialect;

    private readonly ReportSagaOutboxOptions _options = options.Value;
    private readonly SendRetryPolicy _retry = options.Value.DeliveryRetryPolicy;

    // Bounded: when the broker is away, the hand-over queue fills and further consumes are left to the sweep.
    private readonly Channel<CommittedConsume> _handedOver =
        Channel.CreateBounded<CommittedConsume>(new BoundedChannelOptions(options.Value.HandOverCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
        });

    /// <summary>Queues a just-committed consume's messages for sending now; returns false when the queue is full (the sweep sends them).</summary>
    public bool DeliverSoon(CommittedConsume consume) => _handedOver.Writer.TryWrite(consume);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using (var db = factory.CreateDbContext())
            DbContextOptionsBuilderExtensions.EnsureAdded(db);
        var workers = Dialect.DeliveryWorkers(_options.DeliveryConcurrency);
        var loops = Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)).ToList();
        if (_options.RunDeliverySweep)
            loops.Add(Task.Run(() => SweepAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(loops);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var batch = new List<CommittedConsume>(_options.DeliveryBatchSize);
        try
        {
            while (await _handedOver.Reader.WaitToReadAsync(stoppingToken))
            {
                // What is waiting now, up to a batch: its sends go out together and are recorded in one statement.
                batch.Clear();
                while (batch.Count < _options.DeliveryBatchSize && _handedOver.Reader.TryRead(out var consume))
                    batch.Add(consume);
                await DeliverHandedOverAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverHandedOverAsync(List<CommittedConsume> batch, CancellationToken stoppingToken)
    {
        var fromMemory = Dialect.DeliversFromMemory ? batch.Where(x => x.Messages is not null).ToList() : [];
        foreach (var consume in batch.Where(x => !fromMemory.Contains(x)))
        {
            try
            {
                await DeliverOneAsync(consume.MessageId, consume.ConsumerId, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The sweep takes it from here.
                logger.LogWarning(exception, "Outbox delivery of consumed message {MessageId} failed; the sweep retries it", consume.MessageId);
            }
        }

        if (fromMemory.Count > 0)
            await DeliverFromMemoryAsync(fromMemory, stoppingToken);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                SweepResult batch;
                do
                    batch = await DeliverBatchAsync(stoppingToken);
                while (batch.MoreMayBeDue && !batch.BrokerAway);
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

    /// <summary>
    /// Counts stored, undelivered outbox messages (parked ones aside) for the backlog gauge, and the consumed messages
    /// whose outbox is parked for theirs; returns the backlog.
    /// </summary>
    internal async Task<long> MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var inboxes = db.Set<InboxState>();
        var backlog = await db.Set<OutboxMessage>().LongCountAsync(message => !inboxes.Any(inbox =>
            inbox.MessageId == message.InboxMessageId && inbox.ConsumerId == message.InboxConsumerId && inbox.Parked != null), cancellationToken);
        var parked = await db.Set<InboxState>().LongCountAsync(x => x.Parked != null, cancellationToken);
        telemetry.SetOutboxBacklog(backlog);
        telemetry.SetOutboxParked(parked);
        return backlog;
    }

    /// <summary>
    /// Delivers one consumed message's outbox; false when another worker or instance has it, it is done already, or
    /// it is parked or waiting after a failed delivery (the sweep retries it then).
    /// </summary>
    internal async Task<bool> DeliverOneAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        await DeliverOneAsync(messageId, consumerId, anotherWentOut: false, cancellationToken) == DeliveryOutcome.Delivered;

    private async Task<DeliveryOutcome> DeliverOneAsync(Guid messageId, Guid consumerId, bool anotherWentOut, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        if (!Dialect.LocksRows)
        {
            using var handle = InProcessLocks.TryAcquire(EfOutboxContextFactory.InboxKey(messageId, consumerId));
            if (handle is null)
                return DeliveryOutcome.NotTaken;
            var row = await db.Set<InboxState>().AsTracking()
                .SingleOrDefaultAsync(x => x.MessageId == messageId && x.ConsumerId == consumerId && x.Consumed != null && x.Delivered == null
                    && x.Parked == null && (x.NextDeliveryAt == null || x.NextDeliveryAt <= now), cancellationToken);
            return row is null ? DeliveryOutcome.NotTaken : await DeliverOutsideTransactionAsync(db, row, anotherWentOut, cancellationToken);
        }

        return await TransactionRunner.RunAsync(db, Dialect, async () =>
        {
            var inbox = (await db.Set<InboxState>().FromSqlRaw(_lockOneSql, messageId, consumerId, now).AsTracking().ToListAsync(cancellationToken))
                .SingleOrDefault();
            if (inbox is null)
                return DeliveryOutcome.NotTaken;
            var outcome = await DeliverAsync(db, inbox, anotherWentOut, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return outcome;
        }, cancellationToken);
    }

    /// <summary>
    /// Delivers the messages of up to one batch of consumed, undelivered inbox rows left past the grace period (parked
    /// rows and rows waiting after a failure aside); a row that fails is counted, backs off or is parked, and the
    /// batch goes on with the next.
    /// </summary>
    internal async Task<SweepResult> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now - _options.DeliveryGracePeriod;
        if (!Dialect.LocksRows)
        {
            var rows = await db.Set<InboxState>().AsNoTracking()
                .Where(x => x.Consumed != null && x.Delivered == null && x.Parked == null && x.Consumed <= cutoff
                    && (x.NextDeliveryAt == null || x.NextDeliveryAt <= now))
                .OrderBy(x => x.Consumed).Take(_options.DeliveryBatchSize)
                .Select(x => new { x.MessageId, x.ConsumerId })
                .ToListAsync(cancellationToken);
            var sweep = new SweepResult(rows.Count, Full: rows.Count >= _options.DeliveryBatchSize);
            foreach (var row in rows)
            {
                sweep = Tally(sweep, await DeliverOneAsync(row.MessageId, row.ConsumerId, sweep.Delivered > 0, cancellationToken), row.MessageId);
                if (sweep.Stopped)
                    break;
            }
            return sweep;
        }

        return await TransactionRunner.RunAsync(db, Dialect, async () =>
        {
            var candidates = await db.Set<InboxState>().FromSqlRaw(_lockBatchSql, cutoff, now, _options.DeliveryBatchSize)
                .AsTracking().ToListAsync(cancellationToken);
            var sweep = new SweepResult(candidates.Count, Full: candidates.Count >= _options.DeliveryBatchSize);
            foreach (var inbox in candidates)
            {
                sweep = Tally(sweep, await DeliverAsync(db, inbox, sweep.Delivered > 0, cancellationToken), inbox.MessageId);
                if (sweep.Stopped)
                    break;
            }

            await db.SaveChangesAsync(cancellationToken);
            return sweep;
        }, cancellationToken);
    }

    private SweepResult Tally(SweepResult sweep, DeliveryOutcome outcome, Guid messageId)
    {
        if (outcome == DeliveryOutcome.Delivered)
            logger.LogInformation("The sweep delivered the outbox of consumed message {MessageId}", messageId);
        return sweep.With(outcome);
    }

    private async Task<DeliveryOutcome> DeliverOutsideTransactionAsync(DbContext db, InboxState inbox, bool anotherWentOut,
        CancellationToken cancellationToken)
    {
        var outcome = await DeliverAsync(db, inbox, anotherWentOut, cancellationToken, markDelivered: false);
        // Record what went out even when the rest failed, so a later attempt does not send it again.
        await TransactionRunner.RunAsync(db, Dialect, async () =>
        {
            if (outcome == DeliveryOutcome.Delivered)
                await MarkDeliveredAsync(db, inbox, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        return outcome;
    }

    /// <summary>Sends the row's unsent messages; marks the row delivered, or counts the failure on it.</summary>
    private async Task<DeliveryOutcome> DeliverAsync(DbContext db, InboxState inbox, bool anotherWentOut, CancellationToken cancellationToken,
        bool markDelivered = true)
    {
        if (await SendAsync(db, inbox, cancellationToken) is { } failure)
            return CountFailure(inbox, failure, anotherWentOut);
        if (markDelivered)
            await MarkDeliveredAsync(db, inbox, cancellationToken);
        return DeliveryOutcome.Delivered;
    }

    /// <summary>Sends the row's unsent messages in order, recording each on the row; the first failure, or null when all went out.</summary>
    private async Task<(Exception Exception, Uri Destination)?> SendAsync(DbContext db, InboxState inbox, CancellationToken cancellationToken)
    {
        var last = inbox.LastSequenceNumber ?? 0;
        var messages = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(x => x.InboxMessageId == inbox.MessageId && x.InboxConsumerId == inbox.ConsumerId && x.SequenceNumber > last)
            .OrderBy(x => x.SequenceNumber)
            .ToListAsync(cancellationToken);

        foreach (var message in messages)
        {
            try
            {
                await SendStoredAsync(message, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (exception, message.DestinationAddress!);
            }
            inbox.LastSequenceNumber = message.SequenceNumber;
        }

        logger.LogDebug("Delivered {Count} outbox message(s) of consumed message {MessageId}", messages.Count, inbox.MessageId);
        return null;
    }

    /// <summary>Sends one stored message with its original id and headers, under its stored trace; one without a destination is skipped.</summary>
    private async Task SendStoredAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        message.Deserialize(SystemTextJsonMessageSerializer.Instance);
        if (message.DestinationAddress is null)
            return;

        var parent = ((MessageContext)message).Headers.Get<string>("MT-Activity-Id");
        using var activity = PersistenceTelemetry.StartUnderStoredParent("outbox deliver", parent);
        activity?.SetTag("messaging.message.id", message.MessageId.ToString());

        await BoundedSend.SendAsync(bus, message.DestinationAddress, new OutboxMessageSendPipe(message, message.DestinationAddress),
            _options.MessageDeliveryTimeout, cancellationToken);
    }

    /// <summary>Counts a failed delivery on its row, which then waits before its next attempt or is parked; or counts it against nothing while the bus reconnects.</summary>
    private DeliveryOutcome CountFailure(InboxState inbox, (Exception Exception, Uri Destination) failure, bool anotherWentOut)
    {
        var (exception, destination) = failure;
        if (!SendRetryPolicy.CountsAgainstRow(bus, anotherWentOut))
        {
            logger.LogWarning(exception, "Could not deliver the outbox of consumed message {MessageId} to {Destination}; the bus is " +
                "reconnecting, so the attempt counts against no message and the sweep retries it", inbox.MessageId, destination);
            return DeliveryOutcome.FailedUncounted;
        }

        var now = time.GetUtcNow().UtcDateTime;
        inbox.FailedDeliveries++;
        inbox.LastDeliveryError = SendRetryPolicy.ErrorText(exception);
        telemetry.RecordOutboxFailedAttempt();
        if (_retry.ShouldPark(inbox.FailedDeliveries))
        {
            inbox.Parked = now;
            logger.LogError(exception, "Parked the outbox of consumed message {MessageId} (consumer {ConsumerId}) after {FailedDeliveries} failed " +
                "deliveries, the last to {Destination}; its messages stay in outbox_message and are not sent until released (docs/operations.md)",
                inbox.MessageId, inbox.ConsumerId, inbox.FailedDeliveries, destination);
            return DeliveryOutcome.Parked;
        }

        inbox.NextDeliveryAt = now + _retry.DelayAfter(inbox.FailedDeliveries);
        logger.LogWarning(exception, "Could not deliver the outbox of consumed message {MessageId} to {Destination} (failed delivery " +
            "{FailedDeliveries} of {ParkAfterAttempts}); next attempt at {NextDeliveryAt:O}", inbox.MessageId, destination,
            inbox.FailedDeliveries, _retry.ParkAfterAttempts, inbox.NextDeliveryAt);
        return DeliveryOutcome.Failed;
    }

    private async Task MarkDeliveredAsync(DbContext db, InboxState inbox, CancellationToken cancellationToken)
    {
        inbox.Delivered = time.GetUtcNow().UtcDateTime;
        inbox.NextDeliveryAt = null;
        await db.Set<OutboxMessage>().Where(x => x.InboxMessageId == inbox.MessageId && x.InboxConsumerId == inbox.ConsumerId)
            .ExecuteDeleteAsync(cancellationToken);
    }
}
