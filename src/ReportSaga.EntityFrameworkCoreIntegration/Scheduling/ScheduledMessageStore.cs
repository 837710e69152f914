using System.Diagnostics;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>
/// Writes schedules and cancellations into the scheduled-message table on a given DbContext, idempotent per token: a
/// repeated schedule replaces the row, and a cancellation leaves a tombstone so a schedule that arrives after it stays
/// cancelled. Used by <see cref="DurableScheduleConsumer"/> for commands that come over the bus, and by the outbox for
/// the ones a consume makes, which are then written in the consume's own transaction instead of taking a round trip
/// through the broker and the scheduler's queue.
/// </summary>
internal sealed class ScheduledMessageStore(TimeProvider time, IOptions<DurableSchedulerOptions> options, SchedulerWakeup wakeup)
{
    private readonly DurableSchedulerOptions _options = options.Value;

    /// <summary>
    /// Stores <paramref name="message"/>'s payload for sending at its scheduled time; <paramref name="sent"/> describes
    /// the schedule command itself. <paramref name="tokenIsNew"/>: the token was generated in this consume, so only the
    /// rows this DbContext tracks can carry it (a schedule command from the bus may be a repeat, and is looked up).
    /// </summary>
    public async Task ScheduleAsync(DbContext db, ScheduleMessage message, ScheduleCommandContext sent, SerializerContext serializer,
        CancellationToken cancellationToken, bool tokenIsNew = false)
    {
        // The payload as a full MassTransit envelope, re-serialized at send time with the stored ids and headers.
        var body = serializer.GetMessageSerializer(message.Payload, message.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(message));

        var row = tokenIsNew ? FindTracked(db, message.CorrelationId) : await FindAsync(db, message.CorrelationId, cancellationToken);
        if (row is { Cancelled: true })
            return;

        if (row is null)
        {
            row = new ScheduledMessageRecord { TokenId = message.CorrelationId, CreatedAt = time.GetUtcNow().UtcDateTime };
            db.Set<ScheduledMessageRecord>().Add(row);
        }

        row.MessageId = sent.MessageId ?? NewId.NextGuid();
        row.DueTime = DateTime.SpecifyKind(message.ScheduledTime.Kind == DateTimeKind.Local ? message.ScheduledTime.ToUniversalTime() : message.ScheduledTime, DateTimeKind.Utc);
        // A replaced schedule starts afresh, parked or not.
        row.NextAttemptAt = row.DueTime;
        row.FailedAttempts = 0;
        row.ParkedAt = null;
        row.LastError = null;
        row.Destination = message.Destination.ToString();
        row.ContentType = sent.ContentType ?? SystemTextJsonMessageSerializer.JsonContentType.ToString();
        row.MessageType = string.Join(";", message.PayloadType);
        row.Body = body.GetString();
        row.Headers = SystemTextJsonMessageSerializer.Instance.SerializeDictionary(
            sent.Headers.Where(h => h.Key != ScheduledMessageSendPipe.ActivityIdHeader));
        row.TraceParent = Activity.Current?.Id ?? sent.TraceParent;
        row.CorrelationId = sent.CorrelationId;
        row.ConversationId = sent.ConversationId;
        row.InitiatorId = sent.InitiatorId;
        row.RequestId = sent.RequestId;
        row.SourceAddress = sent.SourceAddress?.ToString();
        row.ResponseAddress = sent.ResponseAddress?.ToString();
        row.FaultAddress = sent.FaultAddress?.ToString();

        if (row.DueTime <= time.GetUtcNow().UtcDateTime + _options.PollInterval)
            wakeup.Notify();
    }

    /// <summary>Cancels the schedule with this token, or remembers the cancellation when the schedule has not arrived yet.</summary>
    public async Task CancelAsync(DbContext db, Guid tokenId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var row = await FindAsync(db, tokenId, cancellationToken);
        if (row is null)
        {
            row = new ScheduledMessageRecord { TokenId = tokenId, CreatedAt = now, MessageId = NewId.NextGuid() };
            db.Set<ScheduledMessageRecord>().Add(row);
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
    }

    /// <summary>The row of this token, whether already tracked by this consume or stored.</summary>
    private static async Task<ScheduledMessageRecord?> FindAsync(DbContext db, Guid tokenId, CancellationToken cancellationToken) =>
        FindTracked(db, tokenId)
        ?? await db.Set<ScheduledMessageRecord>().AsTracking().SingleOrDefaultAsync(x => x.TokenId == tokenId, cancellationToken);

    private static ScheduledMessageRecord? FindTracked(DbContext db, Guid tokenId) =>
        db.Set<ScheduledMessageRecord>().Local.FirstOrDefault(x => x.TokenId == tokenId);
}

/// <summary>What the schedule command itself carried: its ids, addresses and headers, from a send or a receive.</summary>
internal sealed record ScheduleCommandContext(
    Guid? MessageId,
    Guid? CorrelationId,
    Guid? ConversationId,
    Guid? InitiatorId,
    Guid? RequestId,
    Uri? SourceAddress,
    Uri? ResponseAddress,
    Uri? FaultAddress,
    IEnumerable<KeyValuePair<string, object>> Headers,
    string? ContentType,
    string? TraceParent)
{
    public static ScheduleCommandContext Of(ConsumeContext context) => new(
        context.MessageId, context.CorrelationId, context.ConversationId, context.InitiatorId, context.RequestId,
        context.SourceAddress, context.ResponseAddress, context.FaultAddress, context.Headers.GetAll(),
        context.ReceiveContext.ContentType?.ToString(),
        context.ReceiveContext.TransportHeaders.Get<string>(ScheduledMessageSendPipe.ActivityIdHeader));

    public static ScheduleCommandContext Of(SendContext context) => new(
        context.MessageId, context.CorrelationId, context.ConversationId, context.InitiatorId, context.RequestId,
        context.SourceAddress, context.ResponseAddress, context.FaultAddress, context.Headers.GetAll(),
        context.ContentType?.ToString(), null);
}
