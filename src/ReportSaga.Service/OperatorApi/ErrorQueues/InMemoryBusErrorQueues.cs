namespace ReportSaga.Service.OperatorApi.ErrorQueues;

/// <summary>The embedded in-memory bus keeps its error queues in process, out of reach: the console says so instead.</summary>
public sealed class InMemoryBusErrorQueues : IErrorQueues
{
    public string? Unavailable => "The service runs on the in-memory bus (no ConnectionStrings__RabbitMq): its error queues live in process and cannot be read or redriven.";

    public Task<IReadOnlyList<ErrorQueueView>> ListAsync(int peek, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ErrorQueueView>>([]);

    public Task<RedriveResult> RedriveAsync(string errorQueue, string? messageId, int limit, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(Unavailable);
}
