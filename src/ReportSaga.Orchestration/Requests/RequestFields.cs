using System.Text.Json;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// The <c>RequestReport</c> fields of a JSON object, found as MassTransit's deserializer finds them: property names
/// compared case-insensitively (OrdinalIgnoreCase) and, when a name repeats, the last one wins.
/// </summary>
internal readonly record struct RequestFields(
    JsonElement? RequestId, JsonElement? Report, JsonElement? MaxCredits, JsonElement? RequestedBy, string? UnreadableName)
{
    public static RequestFields Read(JsonElement message)
    {
        JsonElement? requestId = null, report = null, maxCredits = null, requestedBy = null;
        string? unreadable = null;
        foreach (var property in message.EnumerateObject())
        {
            if (!TryName(property, out var name))
            {
                unreadable ??= "RequestReport has a property name that is not valid text (an unpaired UTF-16 surrogate).";
                continue;
            }

            if (Is(name, "requestId"))
                requestId = property.Value;
            else if (Is(name, "report"))
                report = property.Value;
            else if (Is(name, "maxCredits"))
                maxCredits = property.Value;
            else if (Is(name, "requestedBy"))
                requestedBy = property.Value;
        }

        return new RequestFields(requestId, report, maxCredits, requestedBy, unreadable);
    }

    /// <summary>The value of the last property named <paramref name="name"/> (case-insensitively), or null.</summary>
    public static JsonElement? Last(JsonElement obj, string name)
    {
        JsonElement? found = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (TryName(property, out var text) && Is(text, name))
                found = property.Value;
        }

        return found;
    }

    private static bool Is(string name, string field) => string.Equals(name, field, StringComparison.OrdinalIgnoreCase);

    private static bool TryName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }
}
