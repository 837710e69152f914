using System.Diagnostics;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Scheduling;

/// <summary>
/// Stores scheduled messages (<see cref="ScheduleMessage"/>) and cancellations (<see cref="CancelScheduledMessage"/>)
/// in the database; <see cref="ScheduledMessageDispatcher"/> sends them when due. Idempotent per token: a repeated
/// schedule replaces the row, and a cancellation leaves a tombstone so a schedule that arrives after it stays cancelled.
/// </summary>
internal sealed class DurableScheduleConsumer :
    IConsumer<ScheduleMessage>,
    IConsumer<CancelScheduledMessage>
{
    private readonly ReportSagaDbContext _dbContext;
    private readonly TimeProvider _time;
    private readonly DurableSchedulerOptions _options;
    private readonly SchedulerWakeup _wakeup;

    public DurableScheduleConsumer(ReportSagaDbContext dbContext, TimeProvider time, IOptions<DurableSchedulerOptions> options, SchedulerWakeup wakeup)
    {
        _dbContext = dbContext;
        _time = time;
        _options = options.Value;
        _wakeup = wakeup;
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var message = context.Message;
        var db = context.TryGetPayload(out IDbTransactionScope? scope) ? scope.DbContext : _dbContext;

        // The payload as a full MassTransit envelope, re-serialized at send time with the stored ids and headers.
        var body = context.SerializerContext.GetMessageSerializer(message.Payload, message.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(message));

        var row = await db.ScheduledMessages.SingleOrDefaultAsync(x => x.TokenId == message.CorrelationId, context.CancellationToken);
        if (row is { Cancelled: true })
            return;

        if (row is null)
        {
            row = new ScheduledMessageRecord { TokenId = message.CorrelationId, CreatedAt = _time.GetUtcNow().UtcDateTime };
            db.ScheduledMessages.Add(row);
        }

        row.MessageId = context.MessageId ?? NewId.NextGuid();
        row.DueTime = DateTime.SpecifyKind(message.ScheduledTime.Kind == DateTimeKind.Local ? message.ScheduledTime.ToUniversalTime() : message.ScheduledTime, DateTimeKind.Utc);
        // A replaced schedule starts afresh, parked or not.
        row.NextAttemptAt = row.DueTime;
        row.FailedAttempts = 0;
        row.ParkedAt = null;
        row.LastError = null;
        row.Destination = message.Destination.ToString();
        row.ContentType = context.ReceiveContext.ContentType?.ToString() ?? SystemTextJsonMessageSerializer.JsonContentType.ToString();
        row.MessageType = string.Join(";", message.PayloadType);
        row.Body = body.GetString();
        row.Headers = SystemTextJsonMessageSerializer.Instance.SerializeDictionary(
            context.Headers.GetAll().Where(h => h.Key != ScheduledMessageSendPipe.ActivityIdHeader));
        row.TraceParent = Activity.Current?.Id ?? context.ReceiveContext.TransportHeaders.Get<string>(ScheduledMessageSendPipe.ActivityIdHeader);
        row.CorrelationId = context.CorrelationId;
        row.ConversationId = context.ConversationId;
        row.InitiatorId = context.InitiatorId;
        row.RequestId = context.RequestId;
        row.SourceAddress = context.SourceAddress?.ToString();
        row.ResponseAddress = context.ResponseAddress?.ToString();
        row.FaultAddress = context.FaultAddress?.ToString();

        await db.SaveChangesAsync(context.CancellationToken);

        if (row.DueTime <= _time.GetUtcNow().UtcDateTime + _options.PollInterval)
            _wakeup.Notify();
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var db = context.TryGetPayload(out IDbTransactionScope? scope) ? scope.DbContext : _dbContext;
        var tokenId = context.Message.TokenId;
        var now = _time.GetUtcNow().UtcDateTime;

        var row = await db.ScheduledMessages.SingleOrDefaultAsync(x => x.TokenId == tokenId, context.CancellationToken);
        if (row is null)
        {
            row = new ScheduledMessageRecord { TokenId = tokenId, CreatedAt = now, MessageId = NewId.NextGuid() };
            db.ScheduledMessages.Add(row);
        }

        // A tombstone: kept until the retention passes, then removed by the dispatcher.
        row.Cancelled = true;
        row.DueTime = now + _options.CancellationRetention;
        row.NextAttemptAt = row.DueTime;
        // A parked row its owner cancels needs no operator any more.
        row.ParkedAt = null;
        row.FailedAttempts = 0;
        row.LastError = null;
        row.Body = "";
        row.Headers = null;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
