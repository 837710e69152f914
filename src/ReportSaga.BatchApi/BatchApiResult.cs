namespace ReportSaga.BatchApi;

/// <summary>The outcome of one Batch API call, with the value on success.</summary>
/// <typeparam name="T">The call's successful response.</typeparam>
public sealed record BatchApiResult<T>
    where T : class
{
    public required BatchApiOutcome Outcome { get; init; }

    /// <summary>Set when <see cref="Outcome"/> is <see cref="BatchApiOutcome.Success"/>.</summary>
    public T? Value { get; init; }

    /// <summary>The provider's error texts, or a description of what went wrong; never contains the API key.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>How long the provider asked the caller to wait (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The HTTP status code, when a response arrived.</summary>
    public int? StatusCode { get; init; }

    public bool IsSuccess => Outcome == BatchApiOutcome.Success;

    public static BatchApiResult<T> Success(T value, int statusCode = 200) =>
        new() { Outcome = BatchApiOutcome.Success, Value = value, StatusCode = statusCode };

    public static BatchApiResult<T> Failure(BatchApiOutcome outcome, IReadOnlyList<string> errors, int? statusCode = null, TimeSpan? retryAfter = null) =>
        new() { Outcome = outcome, Errors = errors, StatusCode = statusCode, RetryAfter = retryAfter };
}
