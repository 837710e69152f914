using System.Diagnostics;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>One span as the OTLP receiver stored it: what a tracing backend such as Jaeger would show.</summary>
/// <param name="TraceId">32 lower-case hex digits, as <see cref="ActivityTraceId.ToHexString"/> writes them.</param>
/// <param name="SpanId">16 lower-case hex digits.</param>
/// <param name="ParentSpanId">The parent's span id; null for a trace's root span.</param>
/// <param name="ServiceName">The exporting process's <c>service.name</c> resource attribute.</param>
/// <param name="ScopeName">The instrumentation scope: the ActivitySource name ("ReportSaga", "MassTransit", "System.Net.Http", …).</param>
/// <param name="Attributes">Span attributes, every value as text (numbers and booleans in invariant form, arrays as JSON).</param>
/// <param name="Links">Linked spans (trace id, span id).</param>
public sealed record ExportedSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    ActivityKind Kind,
    string ServiceName,
    string ScopeName,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    ActivityStatusCode Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> ResourceAttributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links)
{
    public bool IsRoot => ParentSpanId is null;

    /// <summary>The attribute's value, or null when the span does not have it.</summary>
    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);

    public override string ToString() => $"{ServiceName} {Kind} '{Name}' {TraceId}/{SpanId} parent={ParentSpanId ?? "-"}";
}
