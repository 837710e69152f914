namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>
/// One message waiting in the database for its due time: the serialized payload (a full MassTransit envelope),
/// where to send it, and what it needs to continue the trace and be recognised by its scheduler token.
/// </summary>
public sealed class ScheduledMessageRecord
{
    /// <summary>The scheduling token (<c>ScheduleMessage.CorrelationId</c>), sent as <c>MT-Scheduling-TokenId</c>.</summary>
    public Guid TokenId { get; set; }

    /// <summary>The id the message is sent with: the <c>ScheduleMessage</c>'s own id, so a repeated send is the same message.</summary>
    public Guid MessageId { get; set; }

    /// <summary>When the message is due, UTC.</summary>
    public DateTime DueTime { get; set; }

    /// <summary>When the dispatcher next tries to send it, UTC: the due time, then later after each failed send.</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>Failed sends so far (counted only while the broker was taking other messages).</summary>
    public int FailedAttempts { get; set; }

    /// <summary>When the row was parked after too many failed sends, UTC; a parked row is never sent until released.</summary>
    public DateTime? ParkedAt { get; set; }

    /// <summary>The last failed send's error (exception types and messages, truncated; never the body).</summary>
    public string? LastError { get; set; }

    /// <summary>A tombstone: the token was cancelled (possibly before its schedule arrived); never sent.</summary>
    public bool Cancelled { get; set; }

    public string Destination { get; set; } = "";
    public string ContentType { get; set; } = "";

    /// <summary>The payload's message type URNs, separated by <c>;</c>.</summary>
    public string MessageType { get; set; } = "";

    public string Body { get; set; } = "";

    /// <summary>The <c>ScheduleMessage</c>'s headers, as a JSON object.</summary>
    public string? Headers { get; set; }

    /// <summary>The W3C trace parent the message is sent under, so the report's trace continues.</summary>
    public string? TraceParent { get; set; }

    public Guid? CorrelationId { get; set; }
    public Guid? ConversationId { get; set; }
    public Guid? InitiatorId { get; set; }
    public Guid? RequestId { get; set; }
    public string? SourceAddress { get; set; }
    public string? ResponseAddress { get; set; }
    public string? FaultAddress { get; set; }

    /// <summary>When the row was stored, UTC.</summary>
    public DateTime CreatedAt { get; set; }
}
