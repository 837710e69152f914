using System.Text.Json;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// The <c>RequestReport</c> fields of a JSON object, found as MassTransit's deserializer finds them: property names
/// compared case-insensitively (OrdinalIgnoreCase) and, when a name repeats, the last one wins.
/// </summary>
/// <remarks>
/// A field named twice is reported (<see cref="Repeated"/>): the deserializer reads every occurrence, so an early
/// one of the wrong type fails it even when a later one is fine, and a request whose id or limits say two things
/// is not worth guessing at.
/// </remarks>
internal readonly record struct RequestFields(
    JsonElement? RequestId, JsonElement? Report, JsonElement? MaxCredits, JsonElement? RequestedBy, string? UnreadableName, string? Repeated)
{
    /// <summary>The optional <c>context</c> object, echoed on every event.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>The optional <c>deadline</c>.</summary>
    public JsonElement? Deadline { get; init; }

    /// <summary>The <c>priority</c> field, read with the others (kept out of the positional fields so other fields can be added beside it).</summary>
    public JsonElement? Priority { get; init; }

    public static RequestFields Read(JsonElement message)
    {
        JsonElement? requestId = null, report = null, maxCredits = null, requestedBy = null, context = null, deadline = null,
            priority = null;
        string? unreadable = null, repeated = null;
        foreach (var property in message.EnumerateObject())
        {
            if (!TryName(property, out var name))
            {
                unreadable ??= "RequestReport has a property name that is not valid text (an unpaired UTF-16 surrogate).";
                continue;
            }

            if (Is(name, "requestId"))
                Take(ref requestId, property.Value, "requestId", ref repeated);
            else if (Is(name, "report"))
                Take(ref report, property.Value, "report", ref repeated);
            else if (Is(name, "maxCredits"))
                Take(ref maxCredits, property.Value, "maxCredits", ref repeated);
            else if (Is(name, "requestedBy"))
                Take(ref requestedBy, property.Value, "requestedBy", ref repeated);
            else if (Is(name, "context"))
                Take(ref context, property.Value, "context", ref repeated);
            else if (Is(name, "deadline"))
                Take(ref deadline, property.Value, "deadline", ref repeated);
            else if (Is(name, "priority"))
                Take(ref priority, property.Value, "priority", ref repeated);
        }

        return new RequestFields(requestId, report, maxCredits, requestedBy, unreadable, repeated)
        {
            Context = context, Deadline = deadline, Priority = priority,
        };
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

    private static void Take(ref JsonElement? field, JsonElement value, string name, ref string? repeated)
    {
        // requestId first: a repeated id makes the request unreadable, any other repeat only refuses it.
        if (field is not null && (repeated is null || name == "requestId"))
            repeated = name;
        field = value;
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
