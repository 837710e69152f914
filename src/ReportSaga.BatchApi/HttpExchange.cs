namespace ReportSaga.BatchApi;

/// <summary>What came back from one HTTP call: a response, or a transport failure of a known kind.</summary>
internal sealed record HttpExchange
{
    /// <summary>The HTTP status code when a response arrived; null for transport failures.</summary>
    public int? StatusCode { get; private init; }

    public string? ReasonPhrase { get; private init; }

    public string? ContentType { get; private init; }

    public byte[] Body { get; private init; } = [];

    public TimeSpan? RetryAfter { get; private init; }

    public TransportFailure Failure { get; private init; }

    /// <summary>A description of the transport failure; never contains the API key.</summary>
    public string? FailureMessage { get; private init; }

    public static HttpExchange Received(int statusCode, string? reason, string? contentType, byte[] body, TimeSpan? retryAfter) =>
        new() { StatusCode = statusCode, ReasonPhrase = reason, ContentType = contentType, Body = body, RetryAfter = retryAfter };

    public static HttpExchange Failed(TransportFailure failure, string message) =>
        new() { Failure = failure, FailureMessage = message };
}

/// <summary>How a call failed below HTTP, which decides whether a non-idempotent call may have taken effect.</summary>
internal enum TransportFailure
{
    None,

    /// <summary>No connection was established (refused, DNS, TLS): the request was never sent.</summary>
    NotSent,

    /// <summary>The attempt timed out: the request may have reached the provider.</summary>
    TimedOut,

    /// <summary>The connection broke after the request went out (reset, premature end): it may have reached the provider.</summary>
    ConnectionLost,
}
