using System.Text.Json.Nodes;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>
/// The shape of the public messages that existing publishers and subscribers rely on: per message, each JSON field and
/// its type signature (<c>string|null</c>, <c>string:uuid</c>, <c>array[string]</c>; a trailing <c>!</c> when required).
/// Read from the generated schemas, so it is what goes on the wire.
/// </summary>
internal static class PublicShape
{
    public static SortedDictionary<string, SortedDictionary<string, string>> Of(IEnumerable<(string Name, JsonObject Schema)> schemas) =>
        new(schemas.ToDictionary(s => s.Name, s => Fields(s.Schema)), StringComparer.Ordinal);

    public static SortedDictionary<string, SortedDictionary<string, string>> Read(JsonObject baseline) =>
        new(baseline.ToDictionary(m => m.Key, m => new SortedDictionary<string, string>(
            m.Value!.AsObject().ToDictionary(f => f.Key, f => (string)f.Value!), StringComparer.Ordinal)), StringComparer.Ordinal);

    public static JsonObject Write(SortedDictionary<string, SortedDictionary<string, string>> shape) =>
        new(shape.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)new JsonObject(m.Value.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))))));

    /// <summary>
    /// What would break someone relying on <paramref name="baseline"/>: a message or field gone (removed or renamed), a
    /// field whose type changed (nullability included), a field that became required. New optional fields break no one.
    /// </summary>
    public static List<string> Breaks(
        SortedDictionary<string, SortedDictionary<string, string>> baseline, SortedDictionary<string, SortedDictionary<string, string>> current)
    {
        var breaks = new List<string>();
        foreach (var (message, fields) in baseline)
        {
            if (!current.TryGetValue(message, out var now))
            {
                breaks.Add($"{message} is gone");
                continue;
            }

            foreach (var (field, signature) in fields)
            {
                if (!now.TryGetValue(field, out var nowSignature))
                    breaks.Add($"{message}.{field} is gone (removed or renamed)");
                else if (nowSignature != signature)
                    breaks.Add($"{message}.{field} changed from {signature} to {nowSignature}");
            }

            breaks.AddRange(now.Where(f => !fields.ContainsKey(f.Key) && f.Value.EndsWith('!'))
                .Select(f => $"{message}.{f.Key} is new and required: existing publishers do not send it"));
        }

        return breaks;
    }

    private static SortedDictionary<string, string> Fields(JsonObject schema)
    {
        var required = schema["required"]?.AsArray().Select(n => (string)n!).ToHashSet() ?? [];
        return new SortedDictionary<string, string>(
            schema["properties"]!.AsObject().ToDictionary(p => p.Key, p => Signature(p.Value!.AsObject()) + (required.Contains(p.Key) ? "!" : "")),
            StringComparer.Ordinal);
    }

    private static string Signature(JsonObject schema)
    {
        var types = schema["type"] switch
        {
            JsonArray many => string.Join('|', many.Select(t => (string)t!)),
            JsonValue one => (string)one!,
            _ => "any",
        };
        if (schema["format"] is { } format)
            types += ":" + (string)format!;
        if (schema["items"] is JsonObject items)
            types += "[" + Signature(items) + "]";
        if (schema["enum"] is JsonArray values)
            types += "{" + string.Join(',', values.Select(v => v?.ToJsonString() ?? "null")) + "}";
        return types;
    }
}
