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

    /// <summary>Free text naming who asked, for operators.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>
    /// <c>low</c>, <c>normal</c> (when absent) or <c>high</c> (<see cref="ReportPriorities"/>): a waiting report of a
    /// higher priority gets a submission slot first; fair share between requesters applies within one priority.
    /// </summary>
    public string? Priority { get; init; }
}
