using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.UnitTests.Requests;

/// <summary>MassTransit's own readers of a body, as the entry endpoint uses them behind the screen.</summary>
internal static class RequestReportDeserialization
{
    /// <summary>The message MassTransit reads from <paramref name="body"/>, or null when it cannot read one (it throws or finds none).</summary>
    public static RequestReport? TryRead(byte[] body, RequestReportFraming framing)
    {
        try
        {
            IMessageDeserializer deserializer = framing == RequestReportFraming.Envelope
                ? SystemTextJsonMessageSerializer.Instance
                : new SystemTextJsonRawMessageSerializer(RawSerializerOptions.Default);
            var context = deserializer.Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);
            return context.TryGetMessage<RequestReport>(out var message) ? message : null;
        }
#pragma warning disable CA1031 // any failure of MassTransit's reader is the answer here
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>Whether the request names one of its fields twice (case-insensitively, as the deserializer matches names).</summary>
    public static bool RepeatsAField(byte[] body, RequestReportFraming framing)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var message = framing == RequestReportFraming.Envelope ? document.RootElement.GetProperty("message") : document.RootElement;
        string[] fields = ["requestId", "report", "maxCredits", "requestedBy", "priority"];
        return fields.Any(field => message.EnumerateObject().Count(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase)) > 1);
    }
}
