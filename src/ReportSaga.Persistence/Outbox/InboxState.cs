namespace ReportSaga.Persistence.Outbox;

/// <summary>
/// What one consumer endpoint did with one message: received, consumed (its state change and outgoing messages
/// committed), delivered (the outgoing messages sent). Keyed by (message id, consumer id); the row is locked while
/// the message is consumed, so a redelivered or duplicated message waits and then finds it consumed.
/// </summary>
public sealed class InboxState
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }

    /// <summary>MassTransit's id for the (endpoint, consumer or saga) pair.</summary>
    public Guid ConsumerId { get; set; }

    /// <summary>Changed on every attempt, so each attempt writes the row (and so holds its lock).</summary>
    public Guid LockId { get; set; }

    public DateTime Received { get; set; }
    public int ReceiveCount { get; set; }
    public DateTime? ExpirationTime { get; set; }
    public DateTime? Consumed { get; set; }
    public DateTime? Delivered { get; set; }

    /// <summary>The last outbox sequence number sent, so a resumed delivery skips what went out already.</summary>
    public long? LastSequenceNumber { get; set; }
}
