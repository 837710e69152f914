using System.Text.Json;

namespace ReportSaga.Orchestration.Messages;

/// <summary>
/// A <c>RequestReport</c> taken off the bus, checked for shape and validated with the provider; it starts (or, for a
/// known request id, does not start again) the report's saga. <see cref="Problem"/> is set when the request is malformed.
/// </summary>
public sealed record ReportRequestAccepted
{
    public Guid RequestId { get; init; }
    public JsonElement? Report { get; init; }
    public long? MaxCredits { get; init; }
    public string? RequestedBy { get; init; }

    /// <summary>The request's <c>context</c>, echoed on every event of the report.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>When the report must be finished: the request's own deadline resolved to a time, or null for the service's limit.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>low, normal or high; null means normal.</summary>
    public string? Priority { get; init; }

    /// <summary>What is wrong with the request, when it cannot be run; the saga fails it with reason <c>invalid</c>.</summary>
    public string? Problem { get; init; }

    // The provider's validation, made as the request was accepted, so the saga does not send a ValidateReport and
    // wake up again for its answer: at most one of the three is set (their step tokens are not used). None is set for
    // a request with a Problem, and in a message from an earlier version: the saga then validates.

    /// <summary>The provider found the report valid and estimated its cost.</summary>
    public ReportEstimated? Estimated { get; init; }

    /// <summary>The provider refused the report (<c>invalid</c>, <c>unauthorized</c>): the saga ends it.</summary>
    public ReportRejected? Rejected { get; init; }

    /// <summary>The provider could not answer now (429, a fault): the saga validates again after a backoff.</summary>
    public ReportCallDeferred? Deferred { get; init; }

    /// <summary>Whichever validation answer is set, or null (a method, so it is not serialised).</summary>
    public Commands.IStepMessage? Validation() => (Commands.IStepMessage?)Estimated ?? (Commands.IStepMessage?)Rejected ?? Deferred;
}
