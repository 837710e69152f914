using MassTransit;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// <see cref="AcceptReportRequestConsumer"/> has a receive endpoint of its own, <c>report-requests</c>, bound to the
/// <c>ReportSaga.Contracts:RequestReport</c> exchange: the only endpoint that reads plain-JSON bodies, so a plain
/// body can never be taken for any other message type.
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
        endpointConfigurator.ConfigureRequestReportEntry();
    }
}
