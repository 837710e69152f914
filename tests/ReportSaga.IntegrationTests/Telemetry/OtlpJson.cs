using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// Reads the receiver's JSON API answers. They are OTLP's JSON encoding wrapped in <c>{"data": …}</c>:
/// <c>data.resourceSpans[].resource.attributes</c>, <c>.scopeSpans[].scope.name</c>, <c>.spans[]</c> with hex ids,
/// numeric <c>kind</c> (1 internal … 5 consumer), nanosecond times as strings and <c>status.code</c> (0 unset, 1 ok, 2 error).
/// </summary>
internal static class OtlpJson
{
    public static IReadOnlyList<ExportedSpan> ReadSpans(JsonElement root)
    {
        var spans = new List<ExportedSpan>();
        foreach (var resourceSpans in Array(Data(root), "resourceSpans"))
        {
            var resource = ReadAttributes(resourceSpans.TryGetProperty("resource", out var r) ? r : default);
            var serviceName = resource.GetValueOrDefault("service.name", "");
            foreach (var scopeSpans in Array(resourceSpans, "scopeSpans"))
            {
                var scopeName = ScopeName(scopeSpans);
                foreach (var span in Array(scopeSpans, "spans"))
                {
                    spans.Add(new ExportedSpan(
                        TraceId: Text(span, "traceId") ?? "",
                        SpanId: Text(span, "spanId") ?? "",
                        ParentSpanId: Text(span, "parentSpanId") is { Length: > 0 } parent ? parent : null,
                        Name: Text(span, "name") ?? "",
                        Kind: Kind(span),
                        ServiceName: serviceName,
                        ScopeName: scopeName,
                        StartTime: Time(span, "startTimeUnixNano"),
                        EndTime: Time(span, "endTimeUnixNano"),
                        Status: span.TryGetProperty("status", out var status) && status.TryGetProperty("code", out var code)
                            ? (ActivityStatusCode)code.GetInt32()
                            : ActivityStatusCode.Unset,
                        StatusMessage: span.TryGetProperty("status", out var s) ? Text(s, "message") : null,
                        Attributes: ReadAttributes(span),
                        ResourceAttributes: resource,
                        Links: Array(span, "links").Select(l => (Text(l, "traceId") ?? "", Text(l, "spanId") ?? "")).ToList()));
                }
            }
        }

        return spans;
    }

    public static IReadOnlyList<ExportedLog> ReadLogs(JsonElement root)
    {
        var logs = new List<ExportedLog>();
        foreach (var resourceLogs in Array(Data(root), "resourceLogs"))
        {
            var resource = ReadAttributes(resourceLogs.TryGetProperty("resource", out var r) ? r : default);
            foreach (var scopeLogs in Array(resourceLogs, "scopeLogs"))
            {
                var scopeName = ScopeName(scopeLogs);
                foreach (var record in Array(scopeLogs, "logRecords"))
                {
                    logs.Add(new ExportedLog(
                        TraceId: Text(record, "traceId"),
                        SpanId: Text(record, "spanId"),
                        Severity: Text(record, "severityText"),
                        Body: record.TryGetProperty("body", out var body) ? ValueText(body) : null,
                        ServiceName: resource.GetValueOrDefault("service.name", ""),
                        ScopeName: scopeName,
                        Attributes: ReadAttributes(record)));
                }
            }
        }

        return logs;
    }

    private static JsonElement Data(JsonElement root) => root.TryGetProperty("data", out var data) ? data : root;

    private static string ScopeName(JsonElement scoped) =>
        scoped.TryGetProperty("scope", out var scope) ? Text(scope, "name") ?? "" : "";

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static ActivityKind Kind(JsonElement span) =>
        span.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.Number
            ? kind.GetInt32() switch
            {
                2 => ActivityKind.Server,
                3 => ActivityKind.Client,
                4 => ActivityKind.Producer,
                5 => ActivityKind.Consumer,
                _ => ActivityKind.Internal,
            }
            : ActivityKind.Internal;

    private static DateTimeOffset Time(JsonElement span, string name) =>
        Text(span, name) is { } nanos && long.TryParse(nanos, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? DateTimeOffset.UnixEpoch.AddTicks(value / 100)
            : default;

    private static Dictionary<string, string> ReadAttributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var attribute in Array(owner, "attributes"))
        {
            if (Text(attribute, "key") is { } key && attribute.TryGetProperty("value", out var value) && ValueText(value) is { } text)
            {
                attributes[key] = text;
            }
        }

        return attributes;
    }

    /// <summary>An OTLP AnyValue as text; null when it holds nothing.</summary>
    private static string? ValueText(JsonElement anyValue)
    {
        foreach (var property in anyValue.EnumerateObject())
        {
            return property.Name switch
            {
                "stringValue" or "intValue" or "bytesValue" => property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : property.Value.GetRawText(),
                "boolValue" => property.Value.GetBoolean() ? "true" : "false",
                "doubleValue" => property.Value.GetRawText(),
                _ => property.Value.GetRawText(), // arrayValue, kvlistValue
            };
        }

        return null;
    }
}
