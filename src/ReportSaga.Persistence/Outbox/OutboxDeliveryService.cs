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
/// Delivers messages that were committed with a consume but never sent (the process died between the commit and
/// the delivery), so nothing depends on the broker redelivering the consumed message. Inbox rows are taken with
/// <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL (instances share the work; a consumer delivering its own rows holds
/// the same lock) and with the same in-process lock the consumer uses on SQLite. Messages keep their ids and headers.
/// </summary>
internal sealed class OutboxDeliveryService(
    IReportSagaDbContextFactory factory,
    IBus bus,
    TimeProvider time,
    IOptions<ReportSagaOutboxOptions> options,
    PersistenceTelemetry telemetry,
    ILogger<OutboxDeliveryService> logger) : BackgroundService
{
    private readonly ReportSagaOutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunDeliveryService)
            return;

        await Task.Yield();
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
                logger.LogWarning(exception, "Outbox delivery pass failed");
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

    /// <summary>Delivers the messages of up to one batch of consumed, undelivered inbox rows; returns how many rows it finished.</summary>
    internal async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        using var locks = new HeldLocks();
        return await TransactionRunner.RunAsync(db, async () =>
        {
            var cutoff = time.GetUtcNow().UtcDateTime - _options.DeliveryGracePeriod;
            var candidates = db.Provider == StorageProvider.Postgres
                ? await db.InboxStates.FromSqlRaw(
                        "SELECT * FROM inbox_state WHERE consumed IS NOT NULL AND delivered IS NULL AND consumed <= {0} " +
                        "ORDER BY consumed LIMIT {1} FOR UPDATE SKIP LOCKED", cutoff, _options.DeliveryBatchSize)
                    .AsTracking().ToListAsync(cancellationToken)
                : await db.InboxStates.Where(x => x.Consumed != null && x.Delivered == null && x.Consumed <= cutoff)
                    .OrderBy(x => x.Consumed).Take(_options.DeliveryBatchSize).AsTracking().ToListAsync(cancellationToken);

            var finished = 0;
            foreach (var inbox in candidates)
            {
                if (db.Provider == StorageProvider.Sqlite)
                {
                    // Skip a row whose own consumer is delivering it right now.
                    if (InProcessLocks.TryAcquire(EfOutboxContextFactory.InboxKey(inbox.MessageId, inbox.ConsumerId)) is not { } handle)
                        continue;
                    locks.Add(handle);
                }

                if (!await DeliverAsync(db, inbox, cancellationToken))
                    break;
                finished++;
            }

            await db.SaveChangesAsync(cancellationToken);
            return finished;
        }, cancellationToken);
    }

    private async Task<bool> DeliverAsync(ReportSagaDbContext db, InboxState inbox, CancellationToken cancellationToken)
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

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.MessageDeliveryTimeout);
                var endpoint = await bus.GetSendEndpoint(message.DestinationAddress);
                await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, message.DestinationAddress), timeout.Token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not deliver outbox message {MessageId} to {Destination}", message.MessageId, message.DestinationAddress);
                return false;
            }
            inbox.LastSequenceNumber = message.SequenceNumber;
        }

        inbox.Delivered = time.GetUtcNow().UtcDateTime;
        await db.OutboxMessages.Where(x => x.InboxMessageId == inbox.MessageId && x.InboxConsumerId == inbox.ConsumerId)
            .ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Delivered {Count} outbox message(s) left by consumed message {MessageId}", messages.Count, inbox.MessageId);
        return true;
    }
}
