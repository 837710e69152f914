using System.Text.Json;

namespace ReportSaga.Orchestration.Messages;

/// <summary>
/// A <c>RequestReport</c> taken off the bus and checked for shape; it starts (or, for a known request id,
/// does not start again) the report's saga. <see cref="Problem"/> is set when the request is malformed.
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
}
