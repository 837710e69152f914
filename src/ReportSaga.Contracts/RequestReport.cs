using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>
/// Starts one report. Publish it to the <c>ReportSaga.Contracts:RequestReport</c> exchange, with a
/// MassTransit envelope or as a plain JSON body.
/// </summary>
public sealed record RequestReport
{
    /// <summary>The idempotency key and the saga's correlation id: the same id twice yields one report.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The Batch API request body, forwarded to the provider unchanged (snake_case, every field kept).</summary>
    public JsonElement? Report { get; init; }

    /// <summary>The most credits the report may cost; a larger estimate refuses it with <c>credit_budget_exceeded</c>.</summary>
    public long? MaxCredits { get; init; }

    /// <summary>
    /// Who asked: at most 256 characters, for operators, and echoed on every event of the report. Subscribers can
    /// receive only the events of their own <c>requestedBy</c> through the <c>…by-requester</c> exchanges.
    /// </summary>
    public string? RequestedBy { get; init; }

    /// <summary>
    /// Anything the requester wants back: a JSON object of at most 4,096 bytes of JSON text (UTF-8, as sent), carried
    /// unchanged on every event of the report (<c>context</c>), so a subscriber need not keep its own lookup.
    /// </summary>
    public JsonElement? Context { get; init; }

    /// <summary>
    /// When the report must be finished, else it fails with <c>deadline_exceeded</c>: a duration from the moment the
    /// request is accepted, as TimeSpan's constant format (<c>"01:30:00"</c>, <c>"1.00:00:00"</c>), or an absolute time,
    /// ISO 8601 with an offset (<c>"2026-12-07T18:00:00Z"</c>). It must lie within the service's own limit
    /// (<c>Reports__Deadline</c>, six hours by default); without it that limit applies.
    /// </summary>
    public string? Deadline { get; init; }

    /// <summary>
    /// <c>low</c>, <c>normal</c> (when absent) or <c>high</c> (<see cref="ReportPriorities"/>): a waiting report of a
    /// higher priority gets a submission slot first; fair share between requesters applies within one priority.
    /// </summary>
    public string? Priority { get; init; }
}
