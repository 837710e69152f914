using System.Diagnostics;
using System.Text;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>Reading one report's trace as an operator would in Jaeger: its tree, its steps, its gaps.</summary>
public static class TraceStory
{
    public const string Validate = "report validate";
    public const string Submit = "report submit";
    public const string StatusCheck = "report status-check";
    public const string Retry = "report retry";

    /// <summary>The span of the service's publish of the report's <c>ReportCompleted</c>.</summary>
    public static bool IsCompletedPublish(ExportedSpan span) =>
        span.Kind == ActivityKind.Producer && span.Name.Contains("ReportCompleted", StringComparison.Ordinal);

    /// <summary>Spans whose parent is not in the trace: a broken link, or a parent that never reached the backend.</summary>
    public static IReadOnlyList<ExportedSpan> Orphans(IReadOnlyList<ExportedSpan> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        return trace.Where(s => s.ParentSpanId is { } parent && !ids.Contains(parent)).ToList();
    }

    /// <summary>Every span any of whose attributes names <paramref name="requestId"/>, whatever trace it is in.</summary>
    public static IReadOnlyList<ExportedSpan> MentioningRequest(IEnumerable<ExportedSpan> spans, Guid requestId)
    {
        var id = requestId.ToString();
        return spans.Where(s => s.Attributes.Values.Any(v => v.Contains(id, StringComparison.OrdinalIgnoreCase))).ToList();
    }

    /// <summary>The step spans (ActivitySource "ReportSaga") of the given name.</summary>
    public static IReadOnlyList<ExportedSpan> Steps(IReadOnlyList<ExportedSpan> trace, string name) =>
        trace.Where(s => s.ScopeName == ReportSagaTelemetry.SourceName && s.Name == name).ToList();

    /// <summary>Whether <paramref name="span"/> or one of its ancestors in <paramref name="trace"/> satisfies <paramref name="predicate"/>.</summary>
    public static bool HasAncestor(ExportedSpan span, IReadOnlyList<ExportedSpan> trace, Func<ExportedSpan, bool> predicate)
    {
        var byId = trace.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var current = span.ParentSpanId is { } first ? byId.GetValueOrDefault(first) : null;
        for (var depth = 0; current is not null && depth < 1000; depth++)
        {
            if (predicate(current))
                return true;
            current = current.ParentSpanId is { } parent ? byId.GetValueOrDefault(parent) : null;
        }

        return false;
    }

    /// <summary>The trace as an indented tree, in start order: for failure messages.</summary>
    public static string Describe(IReadOnlyList<ExportedSpan> trace)
    {
        var text = new StringBuilder();
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var children = trace.ToLookup(s => s.ParentSpanId is { } p && ids.Contains(p) ? p : "");
        void Write(ExportedSpan span, int depth)
        {
            text.Append(' ', 2 + depth * 2).Append($"{span.Kind} '{span.Name}' [{span.ServiceName}/{span.ScopeName}]");
            if (span.ParentSpanId is { } parent && !ids.Contains(parent))
                text.Append($" ORPHAN parent={parent}");
            text.AppendLine();
            foreach (var child in children[span.SpanId].OrderBy(c => c.StartTime))
                Write(child, depth + 1);
        }

        foreach (var top in children[""].OrderBy(s => s.StartTime))
            Write(top, 0);
        return text.ToString();
    }
}
