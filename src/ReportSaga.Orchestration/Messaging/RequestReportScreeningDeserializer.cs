using System.Net.Mime;
using System.Runtime.Serialization;
using MassTransit;
using MassTransit.Serialization;
using ReportSaga.Orchestration.Consumers;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.Orchestration.Messaging;

/// <summary>
/// The entry endpoint's deserializer for one content type: it runs <see cref="RequestReportScreen"/> on the raw
/// transport body before MassTransit's own deserializer (<paramref name="inner"/>) parses anything.
/// <list type="bullet">
/// <item>Accepted: the inner deserializer reads the body as usual.</item>
/// <item>Refused (the request id is readable): the consumer is handed a message with only that id (and a valid
/// <c>requestedBy</c>), and a <see cref="RequestReportRefusal"/> on the receive context; the normal consume path
/// (inbox, outbox) then runs and the report's saga ends it as <c>invalid</c>, storing no body.</item>
/// <item>Unreadable: <see cref="InvalidReportRequestException"/>. Deserialization runs inside MassTransit's rescue
/// filter, so the message goes to the <c>_error</c> queue with the reason in <c>MT-Fault-Message</c>, untried again.</item>
/// </list>
/// </summary>
/// <remarks>
/// It runs in the receive pipe's deserialize step, after the transport handed over the body and before any consume
/// filter: an endpoint-level consume filter would come after the envelope had already been parsed.
/// </remarks>
internal sealed class RequestReportScreeningDeserializer(
    IMessageDeserializer inner, RequestReportFraming framing, long maxBodyBytes) : IMessageDeserializer
{
    /// <summary>Reads the refused body: the plain message with the transport's headers (message id, trace parent).</summary>
    private static readonly SystemTextJsonRawMessageSerializer RefusedBodyReader = new(RawSerializerOptions.Default);

    public ContentType ContentType => inner.ContentType;

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("requestReportScreen");
        scope.Add("maxBodyBytes", maxBodyBytes);
        inner.Probe(scope);
    }

    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        if (framing == RequestReportFraming.PlainJson && receiveContext.GetMessageTypes() is { Length: > 0 } types
                                                      && !types.Contains(RequestLimits.MessageTypeUrn, StringComparer.OrdinalIgnoreCase))
        {
            // A plain body whose header names another type is not ours to judge (MassTransit skips it), unless it is
            // too big to read at all.
            var length = receiveContext.Body.Length ?? receiveContext.Body.GetBytes().Length;
            if (length <= maxBodyBytes)
                return inner.Deserialize(receiveContext);
            throw new InvalidReportRequestException(RequestReportScreen.OtherTypeTooLarge(length, maxBodyBytes));
        }

        var verdict = RequestReportScreen.Screen(receiveContext.Body.GetBytes(), framing, maxBodyBytes);
        switch (verdict.Outcome)
        {
            case RequestReportOutcome.OtherMessageType:
                return inner.Deserialize(receiveContext);
            case RequestReportOutcome.Accepted:
                try
                {
                    return inner.Deserialize(receiveContext);
                }
                catch (SerializationException exception) when (framing == RequestReportFraming.Envelope)
                {
                    // The message is fine but the envelope around it is not (a header of the wrong type, say).
                    verdict = RequestReportVerdict.Refuse(verdict.RequestId,
                        $"RequestReport's MassTransit envelope cannot be read: {exception.InnerException?.Message ?? exception.Message}");
                    break;
                }
            case RequestReportOutcome.Unreadable:
                throw new InvalidReportRequestException(verdict.Problem!);
        }

        receiveContext.GetOrAddPayload(() => new RequestReportRefusal(verdict.Problem!));
        var refused = RefusedBodyReader.Deserialize(
            new BytesMessageBody(RequestReportScreen.RefusedBody(verdict)), receiveContext.TransportHeaders, receiveContext.InputAddress);
        return new BodyConsumeContext(receiveContext, refused);
    }

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) =>
        inner.Deserialize(body, headers, destinationAddress);

    public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);
}

/// <summary>Puts <see cref="RequestReportScreeningDeserializer"/> in front of a MassTransit deserializer; serializing is left alone.</summary>
internal sealed class RequestReportScreeningSerializerFactory(
    ISerializerFactory inner, RequestReportFraming framing, long maxBodyBytes) : ISerializerFactory
{
    public ContentType ContentType => inner.ContentType;

    public IMessageSerializer CreateSerializer() => inner.CreateSerializer();

    public IMessageDeserializer CreateDeserializer() => new RequestReportScreeningDeserializer(inner.CreateDeserializer(), framing, maxBodyBytes);
}
