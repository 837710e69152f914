using System.Globalization;
using System.Text.Json;

namespace ReportSaga.BatchApi;

/// <summary>
/// Tolerant reading of provider JSON: unknown fields are ignored, optional fields may be missing, and numbers
/// may arrive as strings. What cannot be read is reported as "absent", never as an exception.
/// </summary>
internal static class JsonReading
{
    /// <summary>Parses a body as a JSON object; null when it is empty, not JSON, truncated, or not an object.</summary>
    public static JsonElement? TryParseObject(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (obj.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        // Tolerate a provider that changes the casing of a field name.
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    public static string? String(JsonElement obj, string name) =>
        Property(obj, name) is { } value ? AsString(value) : null;

    /// <summary>A string value as is; a number or boolean as its JSON text; null for null, objects and arrays.</summary>
    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    public static long? Long(JsonElement obj, string name)
    {
        if (Property(obj, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var whole))
            {
                return whole;
            }

            return value.TryGetDouble(out var real) ? (long)Math.Round(real) : null;
        }

        if (value.ValueKind == JsonValueKind.String &&
            double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return (long)Math.Round(parsed);
        }

        return null;
    }

    public static bool? Bool(JsonElement obj, string name) => Property(obj, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } s when bool.TryParse(s.GetString(), out var b) => b,
        _ => null,
    };

    /// <summary>Each element of an array property, cloned so it outlives the document; empty when absent.</summary>
    public static IReadOnlyList<JsonElement> Array(JsonElement obj, string name)
    {
        if (Property(obj, name) is not { ValueKind: JsonValueKind.Array } array)
        {
            return [];
        }

        var items = new List<JsonElement>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            items.Add(item.Clone());
        }

        return items;
    }
}
