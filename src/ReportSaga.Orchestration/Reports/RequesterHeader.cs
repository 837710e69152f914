using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// Puts the request's <c>requestedBy</c> in the <see cref="ReportEventRouting.RequestedByHeader"/> header of every
/// public event the saga publishes, so the <c>…by-requester</c> headers exchanges can route it to the requester's own
/// queues. Set on the message's own publish context: the outbox stores headers with the row and replays them.
/// </summary>
internal static class RequesterHeader
{
    public static void Set<T>(PublishContext<T> context)
        where T : class
    {
        var requestedBy = context.Message switch
        {
            ReportValidated m => m.RequestedBy,
            ReportSubmitted m => m.RequestedBy,
            ReportStatusChanged m => m.RequestedBy,
            ReportCompleted m => m.RequestedBy,
            ReportFailed m => m.RequestedBy,
            _ => null,
        };
        if (requestedBy is not null)
            context.Headers.Set(ReportEventRouting.RequestedByHeader, requestedBy);
    }
}
