using Microsoft.AspNetCore.Http.HttpResults;
using ReportSaga.Service.OperatorApi.ErrorQueues;
using ReportSaga.Service.OperatorHttp;

namespace ReportSaga.Service.OperatorApi;

/// <summary>The operator API over the service's <c>_error</c> queues: list with depth and fault reasons, redrive one or all.</summary>
public static class ErrorQueueEndpoints
{
    public const int DefaultPeek = 20;
    public const int MaxPeek = 100;
    public const int DefaultRedriveLimit = 1000;
    public const int MaxRedriveLimit = 10_000;

    public static IEndpointRouteBuilder MapErrorQueueEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var errors = endpoints.MapGroup("/errors").WithTags("Error queues").RequireRateLimiting(OperatorHttpRegistration.ReportsRateLimitPolicy);

        errors.MapGet("", ListAsync).WithName("ListErrorQueues")
            .WithSummary("The service's error queues with their depth and the fault reason of their first messages")
            .WithDescription($"peek: how many messages of each queue to show (0-{MaxPeek}, default {DefaultPeek}); they stay in the queue.");

        errors.MapPost("/{queue}/redrive", RedriveAllAsync).WithName("RedriveErrorQueue")
            .WithSummary("Move the messages of an error queue back to the queue they failed on")
            .WithDescription($"At most limit messages (1-{MaxRedriveLimit}, default {DefaultRedriveLimit}) of those there when asked. " +
                "Each original is removed only after the broker confirmed its copy; none is lost or duplicated.");

        errors.MapPost("/{queue}/messages/{messageId}/redrive", RedriveOneAsync).WithName("RedriveErrorMessage")
            .WithSummary("Move one message of an error queue, by message id, back to the queue it failed on");
        return endpoints;
    }

    private static async Task<Results<Ok<ErrorQueuesResponse>, BadRequest<OperatorError>, JsonHttpResult<OperatorError>>> ListAsync(
        IErrorQueues queues, int? peek, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (peek is < 0 or > MaxPeek)
            return TypedResults.BadRequest(new OperatorError($"peek must be between 0 and {MaxPeek}."));
        if (queues.Unavailable is { } reason)
            return TypedResults.Ok(new ErrorQueuesResponse(false, reason, []));
        try
        {
            return TypedResults.Ok(new ErrorQueuesResponse(true, null, await queues.ListAsync(peek ?? DefaultPeek, cancellationToken)));
        }
        catch (Exception exception) when (IsBrokerFailure(exception))
        {
            return BrokerUnavailable(loggers, exception);
        }
    }

    private static bool IsBrokerFailure(Exception exception) =>
        exception is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException
            or RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.PublishException
            or System.Net.Sockets.SocketException or TimeoutException;

    // The type only: a connection failure's message can name the login.
    private static JsonHttpResult<OperatorError> BrokerUnavailable(ILoggerFactory loggers, Exception exception)
    {
        loggers.CreateLogger(typeof(ErrorQueueEndpoints)).LogWarning("The broker did not answer the operator console ({Failure})", exception.GetType().Name);
        return TypedResults.Json(new OperatorError("The broker refused or did not answer; every message not yet moved is still in its error queue. Try again."), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static Task<Results<Ok<RedriveResult>, BadRequest<OperatorError>, NotFound<OperatorError>, JsonHttpResult<OperatorError>>> RedriveAllAsync(
        string queue, int? limit, IErrorQueues queues, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        limit is < 1 or > MaxRedriveLimit
            ? Task.FromResult<Results<Ok<RedriveResult>, BadRequest<OperatorError>, NotFound<OperatorError>, JsonHttpResult<OperatorError>>>(
                TypedResults.BadRequest(new OperatorError($"limit must be between 1 and {MaxRedriveLimit}.")))
            : RedriveAsync(queues, queue, null, limit ?? DefaultRedriveLimit, loggers, cancellationToken);

    private static Task<Results<Ok<RedriveResult>, BadRequest<OperatorError>, NotFound<OperatorError>, JsonHttpResult<OperatorError>>> RedriveOneAsync(
        string queue, string messageId, IErrorQueues queues, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RedriveAsync(queues, queue, messageId, 1, loggers, cancellationToken);

    private static async Task<Results<Ok<RedriveResult>, BadRequest<OperatorError>, NotFound<OperatorError>, JsonHttpResult<OperatorError>>> RedriveAsync(
        IErrorQueues queues, string queue, string? messageId, int limit, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (queues.Unavailable is { } reason)
            return TypedResults.BadRequest(new OperatorError(reason));
        if (!ServiceErrorQueueNames.ErrorQueues.Contains(queue))
            return TypedResults.NotFound(new OperatorError($"{queue} is not one of the service's error queues ({string.Join(", ", ServiceErrorQueueNames.ErrorQueues)})."));

        RedriveResult result;
        try
        {
            result = await queues.RedriveAsync(queue, messageId, limit, cancellationToken);
        }
        catch (Exception exception) when (IsBrokerFailure(exception))
        {
            // Nothing is lost: an original is removed only after its copy was confirmed, and unacknowledged ones go back.
            return BrokerUnavailable(loggers, exception);
        }

        return result.NotFound is { } missing ? TypedResults.NotFound(new OperatorError(missing)) : TypedResults.Ok(result);
    }
}

/// <summary>The error queues, or why they cannot be shown.</summary>
public sealed record ErrorQueuesResponse(bool Available, string? Unavailable, IReadOnlyList<ErrorQueueView> Queues);
