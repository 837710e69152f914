using MassTransit;
using RabbitMQ.Client;
using ReportSaga.Contracts;

namespace ReportSaga.Samples.Subscriber;

/// <summary>The subscriber's bus wiring, shared by <c>Program</c> and the tests.</summary>
public static class ReportSubscriber
{
    /// <summary>
    /// The subscriber's own durable queue. Each subscribing service needs a queue of its own: ReportSaga
    /// publishes each event to a fanout exchange, and every queue bound there gets a copy, while consumers
    /// sharing one queue split the messages between them (which is what replicas of one service want).
    /// </summary>
    public const string QueueName = "sample-report-subscriber";

    /// <summary>Registers the consumer of ReportSaga's five public events.</summary>
    public static void AddReportSubscriber(this IBusRegistrationConfigurator x) => x.AddConsumer<ReportEventsConsumer>();

    /// <summary>The five public events, by name.</summary>
    public static readonly string[] EventNames = ["ReportValidated", "ReportSubmitted", "ReportStatusChanged", "ReportCompleted", "ReportFailed"];

    /// <summary>
    /// Declares the subscriber's receive endpoint. Without <paramref name="requestedBy"/>, MassTransit binds its queue
    /// to the exchanges of the five events (<c>ReportSaga.Contracts:ReportCompleted</c> and so on): every report's
    /// events arrive. With it, the queue is bound instead to the five <c>…by-requester</c> headers exchanges, matching
    /// the <c>ReportSaga-RequestedBy</c> header: only the events of reports requested as <paramref name="requestedBy"/>
    /// arrive (ReportSaga declares those exchanges when it starts).
    /// </summary>
    public static void ConfigureReportSubscriberEndpoint(this IBusFactoryConfigurator bus, IBusRegistrationContext context,
        string queueName = QueueName, string? requestedBy = null) =>
        bus.ReceiveEndpoint(queueName, e =>
        {
            // Retry a few times in memory before a message goes to the _error queue: a real handler would call out.
            e.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
            if (requestedBy is not null && e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.ConfigureConsumeTopology = false;
                foreach (var name in EventNames)
                {
                    rabbit.Bind(ReportEventRouting.ByRequesterExchange(name), b =>
                    {
                        b.ExchangeType = ExchangeType.Headers;
                        b.SetBindingArgument("x-match", "all");
                        b.SetBindingArgument(ReportEventRouting.RequestedByHeader, requestedBy);
                    });
                }
            }

            e.ConfigureConsumer<ReportEventsConsumer>(context);
        });
}
