using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Messaging;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #14, item 3, through the service as deployed: a bare AMQP client (any language could do the same) binds a
/// queue to the <c>…by-requester</c> headers exchanges the service declares, and receives only the events of the
/// reports its team requested, each with the context the request sent; the usual subscriber still sees them all.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_a_subscriber_takes_only_its_own_requesters_events(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const string Queue = "orders.own-report-events";

    [Fact]
    public Task Its_queue_receives_every_event_of_its_own_reports_with_their_context_and_none_of_another_teams() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            await scenario.StartServiceAsync("service");
            var factory = new ConnectionFactory { Uri = infrastructure.RabbitMqUri };
            await using var connection = await factory.CreateConnectionAsync();
            await BindWhenDeclaredAsync(connection);

            var ours = Reports.Plain(1);
            var theirs = Reports.Plain(2);
            await PublishAsync(ours, "orders", """{"orderId":4711,"tags":["q4"]}""");
            await PublishAsync(theirs, "billing", """{"invoice":"B-17"}""");

            // The usual subscriber (the scenario's observer, bound the MassTransit way) sees both reports end.
            Assert.Empty(await scenario.Events.WaitForEndsAsync([ours.RequestId, theirs.RequestId], TimeSpan.FromSeconds(90)));
            Assert.IsType<ReportCompleted>(Assert.Single(scenario.Events.EndsOf(ours.RequestId)));

            var received = await DrainAsync(connection, ours.RequestId);
            Assert.Equal(
                ["ReportValidated", "ReportSubmitted", "ReportCompleted"],
                received.Select(m => m.Type).Where(t => t != "ReportStatusChanged").ToArray());
            Assert.All(received, m =>
            {
                Assert.Equal(ours.RequestId.ToString(), (string)m.Message["requestId"]!);
                Assert.Equal("orders", (string)m.Message["requestedBy"]!);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"orderId":4711,"tags":["q4"]}"""), m.Message["context"]), m.Message.ToJsonString());
                Assert.Equal("orders", m.Header);
            });
        });

    /// <summary>Binds the queue once the service has declared the exchanges (it does so as it starts).</summary>
    private static async Task BindWhenDeclaredAsync(IConnection connection)
    {
        var arguments = new Dictionary<string, object?> { ["x-match"] = "all", [ReportEventRouting.RequestedByHeader] = "orders" };
        var deadline = DateTime.UtcNow + EndToEndScenario.ReadyLimit;
        while (true)
        {
            try
            {
                await using var channel = await connection.CreateChannelAsync();
                await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
                foreach (var name in new[] { "ReportValidated", "ReportSubmitted", "ReportStatusChanged", "ReportCompleted", "ReportFailed" })
                    await channel.QueueBindAsync(Queue, ReportEventRouting.ByRequesterExchange(name), routingKey: "", arguments);
                return;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) when (DateTime.UtcNow < deadline)
            {
                // 404: not declared yet.
                await Task.Delay(200);
            }
        }
    }

    private Task PublishAsync(PlannedReport report, string requestedBy, string context) =>
        PlainJsonPublisher.PublishAsync(infrastructure.RabbitMqUri, "ReportSaga.Contracts:RequestReport", new JsonObject
        {
            ["requestId"] = report.RequestId.ToString(),
            ["report"] = report.Body.DeepClone(),
            ["maxCredits"] = report.MaxCredits,
            ["requestedBy"] = requestedBy,
            ["context"] = JsonNode.Parse(context),
        }.ToJsonString());

    private sealed record Received(string Type, JsonObject Message, string? Header);

    /// <summary>Everything in the queue, in order, once the report's completion is among it.</summary>
    private static async Task<List<Received>> DrainAsync(IConnection connection, Guid until)
    {
        await using var channel = await connection.CreateChannelAsync();
        var received = new List<Received>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var delivery = await channel.BasicGetAsync(Queue, autoAck: true);
            if (delivery is null)
            {
                if (received.Any(m => m.Type == "ReportCompleted" && (string?)m.Message["requestId"] == until.ToString()))
                    return received;
                await Task.Delay(100);
                continue;
            }

            var envelope = JsonNode.Parse(Encoding.UTF8.GetString(delivery.Body.Span))!.AsObject();
            var type = ((string)envelope["messageType"]![0]!).Split(':').Last();
            var header = delivery.BasicProperties.Headers?.TryGetValue(ReportEventRouting.RequestedByHeader, out var value) == true && value is byte[] bytes
                ? Encoding.UTF8.GetString(bytes)
                : null;
            received.Add(new Received(type, envelope["message"]!.AsObject(), header));
        }

        throw new TimeoutException($"The ReportCompleted of {until} never reached {Queue}; it received {string.Join(", ", received.Select(r => r.Type))}.");
    }
}
