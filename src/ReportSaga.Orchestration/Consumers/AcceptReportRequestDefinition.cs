using MassTransit;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// <see cref="AcceptReportRequestConsumer"/> has a receive endpoint of its own, <c>report-requests</c>, bound to the
/// <c>ReportSaga.Contracts:RequestReport</c> exchange: the only endpoint that reads plain-JSON bodies, so a plain
/// body can never be taken for any other message type.
/// </summary>
public sealed class AcceptReportRequestDefinition : ConsumerDefinition<AcceptReportRequestConsumer>
{
    public const string QueueName = "report-requests";

    public AcceptReportRequestDefinition()
    {
        EndpointName = QueueName;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AcceptReportRequestConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
    }
}
