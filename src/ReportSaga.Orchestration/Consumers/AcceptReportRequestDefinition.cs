using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// <see cref="AcceptReportRequestConsumer"/> has a receive endpoint of its own, <c>report-requests</c>, bound to the
/// <c>ReportSaga.Contracts:RequestReport</c> exchange: the only endpoint that reads plain-JSON bodies, so a plain
/// body can never be taken for any other message type. The endpoint screens each body against the request limits
/// (<c>Requests__MaxBodyBytes</c>, field rules) before it is parsed.
/// </summary>
public sealed class AcceptReportRequestDefinition : ConsumerDefinition<AcceptReportRequestConsumer>
{
    public AcceptReportRequestDefinition()
    {
        EndpointName = RequestReportEndpoint.Name;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AcceptReportRequestConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var requests = context.GetRequiredService<IOptions<RequestsOptions>>().Value;
        endpointConfigurator.ConfigureRequestReportEntry(requests.MaxBodyBytes);
    }
}
