using MassTransit;
using MassTransit.Context;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>Turns an outgoing send context into a stored <see cref="OutboxMessage"/> with everything a replay needs.</summary>
internal static class OutboxMessageFactory
{
    public static OutboxMessage Create<T>(SendContext<T> context, IObjectDeserializer serializer, DateTime now)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "The outbox needs a message id on every sent message.");

        var row = new OutboxMessage
        {
            MessageId = messageId,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = context.DestinationAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? now,
            ContentType = (context.ContentType ?? context.Serialization.DefaultContentType).ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            // MT-Activity-Id among them: the delivery continues the consumer's trace.
            Headers = serializer.SerializeDictionary(context.Headers.GetAll()),
        };

        if (context.TimeToLive is { } ttl)
            row.ExpirationTime = now + ttl;
        if (context.Delay is { } delay)
            row.EnqueueTime = now + delay;

        if (context is TransportSendContext<T> transport)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(properties);
            row.Properties = serializer.SerializeDictionary(properties);
        }

        return row;
    }
}
