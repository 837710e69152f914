using RabbitMQ.Client;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.IntegrationTests.BrokerAccess;

/// <summary>
/// The exchanges, queues and bindings the service makes on its virtual host, declared here the way MassTransit declares
/// them (a fanout exchange per queue, bound to the queue of the same name; a message type's exchange bound to the
/// endpoint's exchange), as the service's own broker user. The permission tests then need no running service.
/// </summary>
internal static class ServiceTopology
{
    /// <summary>The service's receive endpoints: the public entry and the internal ones.</summary>
    public static readonly string[] Endpoints =
        [RequestReportEndpoint.Name, "report-state", "validate-report", "submit-report", "check-report-status", "retry-report", "report-scheduler"];

    /// <summary>
    /// Exchanges no publisher or subscriber may write to: the endpoints' own and their _error/_skipped companions,
    /// internal message types (old and new namespaces), and MassTransit's shared scheduling exchange.
    /// </summary>
    public static IEnumerable<string> InternalExchanges() =>
        Endpoints.SelectMany(e => new[] { e, $"{e}_error", $"{e}_skipped" })
            .Concat([
                "ReportSaga.Orchestration.Commands:ValidateReport", "ReportSaga.Orchestration.Commands:SubmitReport",
                "ReportSaga.Orchestration.Commands:CheckReportStatus", "ReportSaga.Orchestration.Commands:RetryReport",
                "ReportSaga.Contracts:ValidateReport", "ReportSaga.Contracts:SubmitReport",
                "ReportSaga.Contracts:CheckReportStatus", "ReportSaga.Contracts:RetryReport",
                "MassTransit.Scheduling:ScheduleMessage",
            ]);

    public static async Task DeclareAsync(IConnection service, IEnumerable<string> inputExchanges, IEnumerable<string> eventExchanges)
    {
        await using var channel = await service.CreateChannelAsync();
        foreach (var exchange in InternalExchanges().Concat(inputExchanges).Concat(eventExchanges))
        {
            // The by-requester exchanges are headers exchanges (ByRequesterExchanges), the rest MassTransit's fanouts.
            var type = exchange.EndsWith(ReportSaga.Contracts.ReportEventRouting.ExchangeSuffix, StringComparison.Ordinal) ? ExchangeType.Headers : ExchangeType.Fanout;
            await channel.ExchangeDeclareAsync(exchange, type, durable: true, autoDelete: false);
        }
        foreach (var queue in Endpoints.SelectMany(e => new[] { e, $"{e}_error", $"{e}_skipped" }))
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(queue, queue, routingKey: "");
        }

        // RequestReport enters at report-requests; the internal message types are bound to nothing (the service sends
        // its commands to its own queues), but the exchanges may exist, and must stay closed to everyone else.
        await channel.ExchangeBindAsync(destination: RequestReportEndpoint.Name, source: "ReportSaga.Contracts:RequestReport", routingKey: "");
    }
}
