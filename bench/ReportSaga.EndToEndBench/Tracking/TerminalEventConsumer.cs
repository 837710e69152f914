using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.EndToEndBench.Tracking;

/// <summary>The benchmark's subscriber: hands every ReportCompleted and ReportFailed to the active run's tracker.</summary>
internal sealed class TerminalEventConsumer(ActiveTracker active) : IConsumer<ReportCompleted>, IConsumer<ReportFailed>
{
    public Task Consume(ConsumeContext<ReportCompleted> context)
    {
        active.Current.RecordEnd(context.Message.RequestId, failureReason: null);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportFailed> context)
    {
        active.Current.RecordEnd(context.Message.RequestId, context.Message.Reason);
        return Task.CompletedTask;
    }
}
