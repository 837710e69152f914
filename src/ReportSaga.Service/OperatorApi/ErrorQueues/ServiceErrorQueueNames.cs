using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.Service.OperatorApi.ErrorQueues;

/// <summary>The service's receive queues and their <c>_error</c> queues (MassTransit's naming): the only ones the console reads or redrives.</summary>
public static class ServiceErrorQueueNames
{
    public const string Suffix = "_error";

    /// <summary>The durable scheduler's queue (ReportSaga.EntityFrameworkCoreIntegration.Scheduling).</summary>
    public const string Scheduler = "report-scheduler";

    public static IReadOnlyList<string> SourceQueues { get; } =
    [
        RequestReportEndpoint.Name, ReportSagaQueues.Saga, ReportSagaQueues.Validate, ReportSagaQueues.Submit,
        ReportSagaQueues.CheckStatus, ReportSagaQueues.Retry, Scheduler,
    ];

    public static IReadOnlyList<string> ErrorQueues { get; } = SourceQueues.Select(x => x + Suffix).ToList();

    public static string SourceOf(string errorQueue) =>
        ErrorQueues.Contains(errorQueue) ? errorQueue[..^Suffix.Length] : throw new UnknownErrorQueueException(errorQueue);
}
