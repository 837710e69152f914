using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.EndToEndBench.Tracking;

/// <summary>The benchmark's subscriber: hands every ReportCompleted and ReportFailed to the run's tracker.</summary>
internal sealed class TerminalEventConsumer(ReportTracker tracker) : IConsumer<ReportCompleted>, IConsumer<ReportFailed>
{
    public Task Consume(ConsumeContext<ReportCompleted> context)
    {
        tracker.RecordEnd(context.Message.RequestId, failureReason: null);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportFailed> context)
    {
        tracker.RecordEnd(context.Message.RequestId, context.Message.Reason);
        return Task.CompletedTask;
    }
}
