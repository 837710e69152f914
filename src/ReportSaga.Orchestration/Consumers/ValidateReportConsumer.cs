using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// Calls request-validate (free of charge) and tells the saga what the provider said. A report is first validated as
/// it is accepted (<see cref="AcceptReportRequestConsumer"/>); the saga sends this command when that call was
/// deferred (429, a provider fault) and the backoff is over.
/// </summary>
public sealed class ValidateReportConsumer(IBatchApiClient client) : IConsumer<ValidateReport>
{
    public async Task Consume(ConsumeContext<ValidateReport> context)
    {
        switch (await ValidationCall.RunAsync(client, context.Message, context.CancellationToken))
        {
            case ReportEstimated estimated:
                await context.AnswerAsync(estimated);
                break;
            case ReportRejected rejected:
                await context.AnswerAsync(rejected);
                break;
            case ReportCallDeferred deferred:
                await context.AnswerAsync(deferred);
                break;
        }
    }
}
