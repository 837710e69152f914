namespace ReportSaga.Service.OperatorApi.ErrorQueues;

/// <summary>The service's <c>_error</c> queues: what is in them and why, and putting messages back on their queue.</summary>
public interface IErrorQueues
{
    /// <summary>Null when the queues can be read; else why not (the in-memory bus has no broker to ask).</summary>
    string? Unavailable { get; }

    /// <summary>Each error queue of the service with its depth and its first <paramref name="peek"/> messages, which stay in it.</summary>
    Task<IReadOnlyList<ErrorQueueView>> ListAsync(int peek, CancellationToken cancellationToken);

    /// <summary>
    /// Moves messages of <paramref name="errorQueue"/> back to the queue they failed on: the one with
    /// <paramref name="messageId"/>, or up to <paramref name="limit"/> from the head when it is null. A message is taken off
    /// the error queue only after the broker confirmed its copy on the queue, so none is lost; a copy whose removal failed
    /// is dropped as a duplicate by the consumer's inbox (same message id).
    /// </summary>
    Task<RedriveResult> RedriveAsync(string errorQueue, string? messageId, int limit, CancellationToken cancellationToken);
}

/// <summary>An error queue: its name, the queue its messages came from, how many it holds, and the first few.</summary>
public sealed record ErrorQueueView(string Queue, string SourceQueue, uint Depth, IReadOnlyList<ErrorMessageView> Messages);

/// <summary>A message in an error queue and why it is there (MassTransit's <c>MT-Fault-*</c> headers).</summary>
public sealed record ErrorMessageView(string? MessageId, string? MessageType, string? FaultReason, string? ExceptionType, string? FaultedAt);

/// <summary>What a redrive did: how many messages it moved back and how many the error queue still holds.</summary>
public sealed record RedriveResult(string Queue, int Moved, uint Remaining, string? NotFound = null);

/// <summary>The error queue asked for is not one of the service's.</summary>
public sealed class UnknownErrorQueueException(string queue) : Exception($"{queue} is not one of the service's error queues.");
