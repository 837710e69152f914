using System.Text.Json;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Orchestration.Messaging;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 6: messages that can never become a report, published to the RequestReport exchange among good
/// requests. They must not block or crash anything: each one is parked in the entry endpoint's error queue with the
/// reason in its headers, for an operator to inspect; the good requests complete; the service stays ready throughout.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_poison_messages_arrive_beside_good_requests(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const string RequestReportExchange = "ReportSaga.Contracts:RequestReport";
    private const string FaultMessageHeader = "MT-Fault-Message";
    private static readonly string ErrorQueue = RequestReportEndpoint.Name + "_error";

    [Fact]
    public Task They_land_in_the_error_queue_with_their_reason_while_good_requests_complete() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var service = await scenario.StartServiceAsync("service");
            var readiness = ReadinessWatch.Start(service);

            var validBody = Reports.Plain(99).Body.ToJsonString();
            var plainPoison = new Dictionary<string, string>
            {
                ["not JSON at all"] = "this is not JSON {",
                ["a JSON array, not an object"] = "[1, 2, 3]",
                ["requestId of the wrong type"] = """{"requestId": 12345, "report": "not an object"}""",
                ["an empty requestId"] = $$"""{"requestId": "00000000-0000-0000-0000-000000000000", "report": {{validBody}}}""",
            };

            var good = Enumerable.Range(0, 6).Select(i => Reports.Plain(i, plainJson: i % 2 == 0)).ToList();
            await scenario.PublishAsync(good.Take(3));
            foreach (var (_, body) in plainPoison)
                await PlainJsonPublisher.PublishAsync(infrastructure.RabbitMqUri, RequestReportExchange, body);
            await scenario.Observer.Bus.Publish(new RequestReport
            {
                RequestId = Guid.Empty, Report = JsonDocument.Parse(validBody).RootElement.Clone(), RequestedBy = "e2e: enveloped, empty requestId",
            });
            scenario.Note($"published {plainPoison.Count + 1} poison messages");
            await scenario.PublishAsync(good.Skip(3));

            var poisonCount = (uint)plainPoison.Count + 1;
            await using var queues = await BrokerQueues.ConnectAsync(infrastructure.RabbitMqUri);
            var parked = await queues.WaitForMessagesAsync(ErrorQueue, poisonCount, TimeSpan.FromSeconds(90));
            scenario.Note($"{parked} message(s) in {ErrorQueue}");
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));

            var (probes, notReady) = await readiness.StopAsync();
            scenario.Note($"{probes} readiness probes, {notReady.Count} not 200");
            Assert.True(notReady.Count == 0, "/health/ready was not 200 at: " + string.Join(", ", notReady));
            Assert.True(probes > 0);

            var errors = await queues.TakeAllAsync(ErrorQueue);
            Assert.Equal((int)poisonCount, errors.Count);
            foreach (var (body, headers) in errors)
                Assert.False(string.IsNullOrWhiteSpace(headers.GetValueOrDefault(FaultMessageHeader)), $"No {FaultMessageHeader} on: {body}");

            // The plain ones are parked as they were sent, so an operator sees what arrived.
            foreach (var (what, body) in plainPoison)
                Assert.True(errors.Count(e => e.Body == body) == 1, $"The poison message '{what}' is not in {ErrorQueue} exactly once.");
            // Those with a JSON object say what is wrong with their requestId: both empty ones and the one of the wrong type.
            Assert.Equal(3, errors.Count(e => e.Headers[FaultMessageHeader].Contains("requestId", StringComparison.Ordinal)));
            Assert.Single(errors, e => e.Body.Contains(Guid.Empty.ToString(), StringComparison.Ordinal) && e.Body.Contains("e2e: enveloped", StringComparison.Ordinal));

            // Nothing that entered through the poison messages reached the provider: only the good reports were created.
            Assert.Equal(good.Count, scenario.Simulator.State.SubmittedReports().Count);
        });
}
