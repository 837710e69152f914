using MassTransit;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// A message a consumer or saga sent, published or scheduled, stored in the consume transaction and sent after
/// the commit with its original message id and MT-* headers (so its trace continues).
/// </summary>
public sealed class OutboxMessage : OutboxMessageContext
{
    private Headers? _headers;
    private IReadOnlyDictionary<string, object>? _properties;

    /// <summary>Store order; delivery follows it.</summary>
    public long SequenceNumber { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>The consumed message that produced this one (with <see cref="InboxConsumerId"/>).</summary>
    public Guid InboxMessageId { get; set; }

    public Guid InboxConsumerId { get; set; }

    public DateTime SentTime { get; set; }
    public DateTime? EnqueueTime { get; set; }
    public DateTime? ExpirationTime { get; set; }

    /// <summary>The send headers as a JSON object.</summary>
    public string? Headers { get; set; }

    /// <summary>Transport properties (routing key and the like) as a JSON object.</summary>
    public string? Properties { get; set; }

    public string ContentType { get; set; } = "";
    public string MessageType { get; set; } = "";
    public string Body { get; set; } = "";

    public Guid? ConversationId { get; set; }
    public Guid? CorrelationId { get; set; }
    public Guid? InitiatorId { get; set; }
    public Guid? RequestId { get; set; }
    public Uri? SourceAddress { get; set; }
    public Uri? DestinationAddress { get; set; }
    public Uri? ResponseAddress { get; set; }
    public Uri? FaultAddress { get; set; }

    Guid? MessageContext.MessageId => MessageId;
    DateTime? MessageContext.SentTime => SentTime;
    Headers MessageContext.Headers => _headers ?? EmptyHeaders.Instance;
    HostInfo MessageContext.Host => HostMetadataCache.Host;
    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties ?? EmptyProperties;

    private static readonly IReadOnlyDictionary<string, object> EmptyProperties =
        new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses the stored headers and properties; call before handing the row to a send pipe.</summary>
    internal void Deserialize(IObjectDeserializer deserializer)
    {
        var headers = deserializer.DeserializeDictionary<object?>(Headers);
        _headers = headers is null ? EmptyHeaders.Instance : new DictionarySendHeaders(headers);
        _properties = deserializer.DeserializeDictionary<object>(Properties) ?? EmptyProperties;
    }
}
