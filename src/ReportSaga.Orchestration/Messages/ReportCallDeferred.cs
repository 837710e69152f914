using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>
/// A Batch API call could not be made now (rate limited, provider fault, network) and nothing was done at
/// the provider: the saga tries the same step again later, with backoff.
/// </summary>
public sealed record ReportCallDeferred : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>The call: validate, request-report, status or retry.</summary>
    public string Call { get; init; } = "";

    /// <summary>How long the provider asked to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];
}
