using MassTransit;

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

    /// <summary>
    /// Declares the subscriber's receive endpoint; MassTransit binds its queue to the exchanges of the five
    /// events (<c>ReportSaga.Contracts:ReportCompleted</c> and so on).
    /// </summary>
    public static void ConfigureReportSubscriberEndpoint(this IBusFactoryConfigurator bus, IBusRegistrationContext context,
        string queueName = QueueName) =>
        bus.ReceiveEndpoint(queueName, e =>
        {
            // Retry a few times in memory before a message goes to the _error queue: a real handler would call out.
            e.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
            e.ConfigureConsumer<ReportEventsConsumer>(context);
        });
}
