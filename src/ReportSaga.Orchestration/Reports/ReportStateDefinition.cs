using MassTransit;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// The saga's endpoint, <c>report-state</c>. Only the public <c>CancelReport</c> and <c>GetReportStatus</c> reach it
/// through their exchanges; every internal message (the accepted request, the consumers' answers, grants, scheduled
/// wake-ups) is sent straight to the queue, and no exchange of an internal type is bound to it, so no other broker
/// client can make it act by publishing.
/// </summary>
public sealed class ReportStateDefinition : SagaDefinition<ReportState>
{
    /// <summary>The internal messages the saga takes: sent to its queue, never bound to an exchange.</summary>
    internal static readonly Type[] InternalMessages =
    [
        typeof(ReportRequestAccepted),
        typeof(ReportEstimated),
        typeof(SubmissionSlotGranted),
        typeof(ReportSubmissionAccepted),
        typeof(ReportStatusChecked),
        typeof(ReportRetryAccepted),
        typeof(ReportRejected),
        typeof(ReportCallDeferred),
        typeof(ReportWakeUp),
        typeof(ReportDeadlineReached),
    ];

    public ReportStateDefinition()
    {
        EndpointName = ReportSagaQueues.Saga;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<ReportState> sagaConfigurator,
        IRegistrationContext context)
    {
        foreach (var type in InternalMessages)
            endpointConfigurator.ConfigureMessageTopology(type, false);
    }
}
