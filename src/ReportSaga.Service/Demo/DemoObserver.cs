using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Service.Demo;

/// <summary>Subscribes to the public events, as another service would, and keeps the demo's board up to date.</summary>
public sealed class DemoObserver(DemoBoard board) :
    IConsumer<ReportValidated>,
    IConsumer<ReportSubmitted>,
    IConsumer<ReportStatusChanged>,
    IConsumer<ReportCompleted>,
    IConsumer<ReportFailed>
{
    public Task Consume(ConsumeContext<ReportValidated> context)
    {
        board.Update(context.Message.RequestId, row => row.Moved("validated") with { EstimatedCredits = context.Message.EstimatedCredits });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportSubmitted> context)
    {
        board.Update(context.Message.RequestId, row => row.Moved("submitted"));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportStatusChanged> context)
    {
        board.Update(context.Message.RequestId, row => row.Moved(context.Message.Status) with { ProviderStatus = context.Message.Status });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportCompleted> context)
    {
        var message = context.Message;
        board.Update(message.RequestId, row => row.Moved("ReportCompleted") with
        {
            Ending = "completed",
            UsedQuota = message.UsedQuota,
            DownloadUrl = message.DownloadUrl,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportFailed> context)
    {
        var message = context.Message;
        board.Update(message.RequestId, row => row.Moved($"ReportFailed({message.Reason})") with { Ending = message.Reason, Errors = message.Errors });
        return Task.CompletedTask;
    }
}

/// <summary>Counts status checks per report as this process's consumers make them.</summary>
public sealed class DemoPollCounter(DemoBoard board) : IConsumeMessageObserver<CheckReportStatus>
{
    public Task PreConsume(ConsumeContext<CheckReportStatus> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<CheckReportStatus> context)
    {
        board.Update(context.Message.RequestId, row => row with { Polls = row.Polls + 1 });
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<CheckReportStatus> context, Exception exception) => Task.CompletedTask;
}
