namespace ReportSaga.BatchApi;

/// <summary>What a caller of the Batch API must act on differently.</summary>
public enum BatchApiOutcome
{
    /// <summary>The call did what it was asked; the result's value is set.</summary>
    Success,

    /// <summary>The provider refused the input (validation said invalid, or HTTP 400); the errors say why. Final.</summary>
    Invalid,

    /// <summary>HTTP 429: too many pending reports or requests. Safe to try again after <see cref="BatchApiResult{T}.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>HTTP 401/403: the key is missing, wrong or inactive. Final.</summary>
    Unauthorized,

    /// <summary>A provider fault (5xx) or a network failure after the client's own retries; safe to try again later.</summary>
    TransientFailure,

    /// <summary>request-report only: the request may have reached the provider (timeout, connection lost after sending).</summary>
    OutcomeUnknown,
}
