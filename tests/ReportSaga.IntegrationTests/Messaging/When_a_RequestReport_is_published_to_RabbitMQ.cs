using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.IntegrationTests.Messaging;

/// <summary>
/// The two ways contract.md lets any service start a report, over a real broker, into an endpoint
/// configured as the service's own <see cref="RequestReportEndpoint"/>.
/// </summary>
public sealed class When_a_RequestReport_is_published_to_RabbitMQ(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private const string RequestReportExchange = "ReportSaga.Contracts:RequestReport";
    private const string EnvelopeContentType = "application/vnd.masstransit+json";

    /// <summary>A report body with snake_case keys, undocumented fields, big and odd numbers, nulls and arrays.</summary>
    private const string ReportBody =
        """{"report_name":"Zürich Q1","delivery_information":{"response_format":"csv","delivery_method":"download_link","delivery_method_params":{"retention_days":30}},"report_query":{"tables":[{"vtable":"traffic_and_engagement","granularity":"monthly","filters":{"domains":["amazon.com"],"countries":["WW"],"include_subdomains":true},"metrics":["all_traffic_visits"],"start_date":"2024-01","end_date":"2024-03","future_option":{"huge":123456789012345678901234567890,"price":0.10,"tiny":1.5e-7,"nothing":null,"nested":[[1],[],[null,{"deep_key":"v"}]]}}]},"top_level_unknown":[true,null,"x"]}""";

    [Fact]
    public async Task A_MassTransit_envelope_arrives_with_every_field_intact()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await StartBusAsync(isolated.RabbitMqUri);
        var sent = new RequestReport
        {
            RequestId = Guid.NewGuid(), Report = JsonDocument.Parse(ReportBody).RootElement.Clone(), MaxCredits = 5000, RequestedBy = "billing-service",
        };

        await bus.Bus.Publish(sent);

        var received = await bus.Get<ReceivedMessages<RequestReport>>()
            .WaitUntilAsync(r => r.Count >= 1, "the envelope's delivery");
        var arrived = Assert.Single(received);
        Assert.Equal(EnvelopeContentType, arrived.ContentType);
        Assert.Equal(sent.RequestId, arrived.Message.RequestId);
        Assert.Equal(5000, arrived.Message.MaxCredits);
        Assert.Equal("billing-service", arrived.Message.RequestedBy);
        Assert.True(JsonElement.DeepEquals(sent.Report.Value, arrived.Message.Report!.Value));
        Assert.Equal(ReportBody, Compact(arrived.Message.Report.Value));
    }

    [Fact]
    public async Task A_plain_JSON_body_is_read_as_exactly_one_RequestReport()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await StartBusAsync(isolated.RabbitMqUri);
        var requestId = Guid.NewGuid();

        await PlainJsonPublisher.PublishAsync(isolated.RabbitMqUri, RequestReportExchange,
            $$"""{"requestId":"{{requestId}}","report":{{ReportBody}},"maxCredits":1500,"requestedBy":"python-reporting"}""");
        // Queued behind it on the same single-consumer queue: once this is consumed, so is all before it.
        var sentinel = new RequestReport { RequestId = Guid.NewGuid(), Report = JsonDocument.Parse("{}").RootElement.Clone() };
        await bus.Bus.Publish(sentinel);

        var received = await bus.Get<ReceivedMessages<RequestReport>>()
            .WaitUntilAsync(r => r.Any(m => m.Message.RequestId == sentinel.RequestId), "the sentinel's delivery");
        var plain = Assert.Single(received, m => m.Message.RequestId == requestId);
        Assert.Equal(2, received.Count);
        Assert.Equal("application/json", plain.ContentType);
        Assert.Equal(1500, plain.Message.MaxCredits);
        Assert.Equal("python-reporting", plain.Message.RequestedBy);
        Assert.Equal(ReportBody, Compact(plain.Message.Report!.Value));
    }

    [Fact]
    public async Task A_plain_JSON_body_is_not_taken_for_another_message_type()
    {
        await using var isolated = await infrastructure.CreateIsolatedAsync();
        await using var bus = await StartBusAsync(isolated.RabbitMqUri);
        var requestId = Guid.NewGuid();

        // Its requestId alone would make a valid CancelReport, were it handed to that consumer.
        await PlainJsonPublisher.PublishAsync(isolated.RabbitMqUri, RequestReportExchange,
            $$"""{"requestId":"{{requestId}}","report":{{ReportBody}}}""");
        await bus.Get<ReceivedMessages<RequestReport>>()
            .WaitUntilAsync(r => r.Any(m => m.Message.RequestId == requestId), "the plain body's delivery as a RequestReport");
        var sentinel = new CancelReport { RequestId = Guid.NewGuid() };
        await bus.Bus.Publish(sentinel);

        var cancels = await bus.Get<ReceivedMessages<CancelReport>>()
            .WaitUntilAsync(r => r.Any(m => m.Message.RequestId == sentinel.RequestId), "the CancelReport sentinel's delivery");
        Assert.Equal([sentinel.RequestId], cancels.Select(m => m.Message.RequestId));
    }

    /// <summary>
    /// The service's entry endpoint with a recording consumer, and beside it a CancelReport consumer
    /// whose endpoint reads plain JSON too: only routing can keep the plain RequestReport away from it.
    /// One message at a time on each, so a later message is consumed after every earlier one.
    /// </summary>
    private static Task<RunningBus> StartBusAsync(Uri rabbitMqUri) =>
        RunningBus.StartAsync(rabbitMqUri,
            (services, x) =>
            {
                services.AddSingleton<ReceivedMessages<RequestReport>>();
                services.AddSingleton<ReceivedMessages<CancelReport>>();
                x.AddConsumer<RecordingConsumer<RequestReport>>();
                x.AddConsumer<RecordingConsumer<CancelReport>>();
            },
            (context, bus) =>
            {
                bus.ReceiveEndpoint(RequestReportEndpoint.Name, e =>
                {
                    e.ConfigureRequestReportEntry();
                    e.PrefetchCount = 1;
                    e.ConcurrentMessageLimit = 1;
                    e.ConfigureConsumer<RecordingConsumer<RequestReport>>(context);
                });
                bus.ReceiveEndpoint("cancel-reports", e =>
                {
                    e.UseRawJsonDeserializer();
                    e.PrefetchCount = 1;
                    e.ConcurrentMessageLimit = 1;
                    e.ConfigureConsumer<RecordingConsumer<CancelReport>>(context);
                });
            });

    private static string Compact(JsonElement element) =>
        JsonSerializer.Serialize(element, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
