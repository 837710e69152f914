using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>Replays a stored scheduled message as a full MassTransit message with its token, ids and headers.</summary>
internal sealed class ScheduledMessageSendPipe(ScheduledMessageRecord row) : IPipe<SendContext>
{
    public const string ActivityIdHeader = "MT-Activity-Id";

    public Task Send(SendContext context)
    {
        var destination = new Uri(row.Destination);
        var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(row.ContentType));
        var headers = SystemTextJsonMessageSerializer.Instance.DeserializeDictionary<object>(row.Headers) ?? new Dictionary<string, object>();
        var serializerContext = deserializer.Deserialize(deserializer.GetMessageBody(row.Body),
            new DictionarySendHeaders(headers.ToDictionary(x => x.Key, x => (object?)x.Value)), destination);

        context.MessageId = row.MessageId;
        context.CorrelationId = row.CorrelationId;
        context.ConversationId = row.ConversationId;
        context.InitiatorId = row.InitiatorId;
        context.RequestId = row.RequestId;
        context.SourceAddress = ToUri(row.SourceAddress);
        context.ResponseAddress = ToUri(row.ResponseAddress);
        context.FaultAddress = ToUri(row.FaultAddress);
        context.SupportedMessageTypes = row.MessageType.Split(';', StringSplitOptions.RemoveEmptyEntries);

        foreach (var (key, value) in headers)
            context.Headers.Set(key, value);

        // The saga recognises its own wake-up by this token and drops any other.
        context.Headers.Set(MessageHeaders.SchedulingTokenId, row.TokenId.ToString("N"));

        // When no span is being recorded, MassTransit takes the send's parent from this header (only when no
        // activity is current, which the dispatcher ensures); when one is, it overwrites it with its own span.
        if (row.TraceParent is not null)
            context.Headers.Set(ActivityIdHeader, row.TraceParent);

        context.Serializer = serializerContext.GetMessageSerializer();
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("scheduledMessage");

    private static Uri? ToUri(string? value) => string.IsNullOrEmpty(value) ? null : new Uri(value);
}
