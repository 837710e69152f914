namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

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
    /// <summary>
    /// When the message was consumed, UTC. PostgreSQL writes it with the row, as the consume that commits begins (the row
    /// is visible only once that consume has committed); SQLite when the consume commits.
    /// </summary>
    public DateTime? Consumed { get; set; }
    public DateTime? Delivered { get; set; }

    /// <summary>The last outbox sequence number sent, so a resumed delivery skips what went out already.</summary>
    public long? LastSequenceNumber { get; set; }

    /// <summary>Failed deliveries of the outbox so far (counted only while the broker was taking other messages).</summary>
    public int FailedDeliveries { get; set; }

    /// <summary>After a failed delivery: not tried again before this time, UTC.</summary>
    public DateTime? NextDeliveryAt { get; set; }

    /// <summary>When the delivery was parked after too many failures, UTC; a parked outbox is never sent until released.</summary>
    public DateTime? Parked { get; set; }

    /// <summary>The last failed delivery's error (exception types and messages, truncated; never a message body).</summary>
    public string? LastDeliveryError { get; set; }
}
