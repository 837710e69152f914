using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Orchestration.Messaging;
using static ReportSaga.IntegrationTests.BrokerAccess.ShippedBrokerAccess;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>
/// The shipped permissions are enough for stock MassTransit clients, as README's "Broker permissions" tells teams to
/// configure them: every queue and exchange they make is named after their user (the bus endpoint too), and a
/// subscriber's endpoints do not publish faults to MassTransit's shared fault exchanges.
/// </summary>
public sealed class When_MassTransit_clients_use_the_shared_broker_as_team_users(BrokerAccessFixture broker) : IClassFixture<BrokerAccessFixture>
{
    private static readonly TimeSpan ArrivalLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_publisher_publishes_RequestReport_and_the_service_entry_queue_receives_it()
    {
        await using var publisher = await StartAsync(Publisher, (_, _) => { });
        var request = new RequestReport
        {
            RequestId = NewId.NextGuid(),
            Report = JsonDocument.Parse("""{"report_name":"masstransit broker access"}""").RootElement,
            MaxCredits = 10,
        };

        await publisher.Bus.Publish(request);

        Assert.True(await Amqp.TakeUntilAsync(broker.Service, RequestReportEndpoint.Name, request.RequestId.ToString(), ArrivalLimit),
            "the RequestReport did not reach the service's entry queue");
    }

    [Fact]
    public async Task A_publisher_asks_for_a_report_status_and_gets_the_answer_on_its_own_bus_endpoint()
    {
        await using var service = await RunningBus.StartAsync(broker.Access.UriOf(ServiceUser), (_, _) => { }, (_, bus) =>
            bus.ReceiveEndpoint("report-status-answers", e =>
                e.Handler<GetReportStatus>(context => context.RespondAsync(new ReportNotFound { RequestId = context.Message.RequestId }))));
        await using var publisher = await StartAsync(Publisher, (_, _) => { });
        var requestId = NewId.NextGuid();

        var response = await publisher.Bus.CreateRequestClient<GetReportStatus>(RequestTimeout.After(s: 30))
            .GetResponse<ReportStatus, ReportNotFound>(new GetReportStatus { RequestId = requestId });

        Assert.True(response.Is(out Response<ReportNotFound>? notFound));
        Assert.Equal(requestId, notFound!.Message.RequestId);
    }

    [Fact]
    public async Task A_subscriber_receives_the_service_events_and_keeps_what_it_cannot_handle_in_its_own_error_queue()
    {
        var handled = new TaskCompletionSource<ReportCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var poisoned = NewId.NextGuid();
        var queue = $"{broker.Access.UserOf(Subscriber)}.report-events";
        await using var subscriber = await StartAsync(Subscriber, (_, bus) => bus.ReceiveEndpoint(queue, e =>
        {
            // MassTransit publishes Fault<T> to a shared exchange by default; the team keeps faults in its _error queue.
            e.PublishFaults = false;
            e.Handler<ReportCompleted>(context =>
            {
                if (context.Message.RequestId == poisoned)
                    throw new InvalidOperationException("a handler that fails");
                handled.TrySetResult(context.Message);
                return Task.CompletedTask;
            });
            e.Handler<ReportFailed>(_ => Task.CompletedTask);
        }));
        await using var service = await RunningBus.StartAsync(broker.Access.UriOf(ServiceUser), (_, _) => { }, (_, _) => { });
        var completed = new ReportCompleted { RequestId = NewId.NextGuid(), ReportId = "r-1", CompletedAt = DateTimeOffset.UtcNow };

        await service.Bus.Publish(completed with { RequestId = poisoned });
        await service.Bus.Publish(completed);

        Assert.Equal(completed.RequestId, (await handled.Task.WaitAsync(ArrivalLimit)).RequestId);
        await using var connection = await Amqp.ConnectAsync(broker.Access.UriOf(Subscriber));
        Assert.True(await Amqp.TakeUntilAsync(connection, $"{queue}_error", poisoned.ToString(), ArrivalLimit),
            "the event the handler failed on is not in the subscriber's _error queue");
    }

    /// <summary>A bus as the team's user, its bus endpoint (replies, temporary endpoints) named after the user.</summary>
    private Task<RunningBus> StartAsync(string team, Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator> configure) =>
        RunningBus.StartAsync(broker.Access.UriOf(team), (_, _) => { }, (context, bus) =>
        {
            bus.OverrideDefaultBusEndpointQueueName($"{broker.Access.UserOf(team)}.{DefaultEndpointNameFormatter.GetTemporaryQueueName("bus")}");
            configure(context, bus);
        });
}
