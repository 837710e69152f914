using System.Net.Mime;
using System.Text;
using MassTransit;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Sends a body byte for byte to the entry endpoint, as a publisher in another language would: no serializer of
/// ours shapes it, so a body can hold what the contract types cannot (<c>"maxCredits": "lots"</c>, say).
/// </summary>
internal static class RawBodies
{
    public const string PlainJson = "application/json";
    public const string Envelope = "application/vnd.masstransit+json";

    public static async Task SendAsync(ReportSagaHarness harness, string body, string contentType = PlainJson)
    {
        var endpoint = await harness.Bus.Bus.GetSendEndpoint(new Uri($"queue:{RequestReportEndpoint.Name}"));
        await endpoint.Send(new Verbatim(), context => context.Serializer = new VerbatimSerializer(Encoding.UTF8.GetBytes(body), new ContentType(contentType)));
    }

    /// <summary>Stands for the message; its body is whatever <see cref="VerbatimSerializer"/> writes.</summary>
    private sealed record Verbatim;

    private sealed class VerbatimSerializer(byte[] body, ContentType contentType) : IMessageSerializer
    {
        public ContentType ContentType => contentType;

        public MessageBody GetMessageBody<T>(SendContext<T> context)
            where T : class => new BytesMessageBody(body);
    }
}
