using System.Text.Json;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Orchestration.Requests;

/// <summary>
/// The field rules of <see cref="RequestReport"/>, each returning the one problem it finds (naming the field and the
/// limit) or null. The screen applies them to the raw JSON; the consumer applies the same rules to the typed message.
/// </summary>
public static class RequestReportRules
{
    public static string? RequestedBy(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
            return null;
        if (element.ValueKind != JsonValueKind.String)
            return $"RequestReport.requestedBy must be a string (was {Quote(element)}).";
        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "RequestReport.requestedBy must be valid text (it holds an unpaired UTF-16 surrogate).";
        }

        return RequestedBy(text);
    }

    public static string? RequestedBy(string? text)
    {
        if (text is null)
            return null;
        if (text.Contains('\0', StringComparison.Ordinal))
            return "RequestReport.requestedBy must not contain NUL characters (the database cannot store them).";
        if (!IsWellFormed(text))
            return "RequestReport.requestedBy must be valid text (it holds an unpaired UTF-16 surrogate).";
        // PostgreSQL counts a varchar's length in characters (code points), not UTF-16 units.
        var characters = text.EnumerateRunes().Count();
        return characters > ReportStateColumns.RequestedByMaxLength
            ? $"RequestReport.requestedBy must be at most {ReportStateColumns.RequestedByMaxLength} characters (was {RequestLimits.Count(characters)})."
            : null;
    }

    public static string? MaxCredits(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
            return null;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var credits) && credits > 0
            ? null
            : $"RequestReport.maxCredits must be a positive integer (was {Quote(element)}).";
    }

    public static string? MaxCredits(long? credits) =>
        credits is <= 0 ? $"RequestReport.maxCredits must be a positive integer (was {credits})." : null;

    /// <summary><c>priority</c>: absent, null, or one of <see cref="ReportPriorities.All"/>, exactly (lower case).</summary>
    public static string? Priority(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
            return null;
        string? text = null;
        if (element.ValueKind == JsonValueKind.String)
        {
            try
            {
                text = element.GetString();
            }
            catch (InvalidOperationException)
            {
                // Not valid text: refused below like any other value.
            }
        }

        return text is not null && Priority(text) is null ? null : PriorityProblem(RequestReportRules.Quote(element));
    }

    public static string? Priority(string? text) =>
        text is null || ReportPriorities.Rank(text) >= 0 ? null : PriorityProblem(JsonSerializer.Serialize(text));

    private static string PriorityProblem(string was) =>
        $"RequestReport.priority must be one of {string.Join(", ", ReportPriorities.All)} (was {Cut(was)}).";

    private static string Cut(string text) =>
        text.Length <= RequestLimits.QuotedValueLength ? text : text[..(char.IsHighSurrogate(text[RequestLimits.QuotedValueLength - 1]) ? RequestLimits.QuotedValueLength - 1 : RequestLimits.QuotedValueLength)] + "…";

    /// <summary>The shape the Batch API body needs before it is worth asking the provider; the provider judges the rest.</summary>
    public static string? Report(JsonElement? value)
    {
        if (value is not { } report || report.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return "RequestReport.report is required: the Batch API request body.";
        if (report.ValueKind != JsonValueKind.Object)
            return $"RequestReport.report must be a JSON object (the Batch API request body), not {report.ValueKind.ToString().ToLowerInvariant()}.";
        if (!report.TryGetProperty("report_query", out var query) || query.ValueKind != JsonValueKind.Object)
            return "RequestReport.report.report_query is required and must be an object.";
        if (!query.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Array || tables.GetArrayLength() == 0)
            return "RequestReport.report.report_query.tables must be a non-empty array.";
        return null;
    }

    /// <summary>An optional JSON object of at most <see cref="RequestLimits.MaxContextBytes"/> bytes, echoed on every event.</summary>
    public static string? Context(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return null;
        if (element.ValueKind != JsonValueKind.Object)
            return $"RequestReport.context must be a JSON object (was {Quote(element)}).";
        var size = System.Text.Encoding.UTF8.GetByteCount(element.GetRawText());
        return size > RequestLimits.MaxContextBytes
            ? $"RequestReport.context must be at most {RequestLimits.Count(RequestLimits.MaxContextBytes)} bytes of JSON (was {RequestLimits.Count(size)})."
            : null;
    }

    /// <summary>An optional deadline: a duration (TimeSpan's constant format) or an ISO 8601 time with an offset.</summary>
    public static string? Deadline(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return null;
        if (element.ValueKind != JsonValueKind.String)
            return $"RequestReport.deadline must be a string: a duration such as \"01:30:00\" or a time such as \"2026-12-07T18:00:00Z\" (was {Quote(element)}).";
        try
        {
            return Deadline(element.GetString());
        }
        catch (InvalidOperationException)
        {
            return "RequestReport.deadline must be valid text (it holds an unpaired UTF-16 surrogate).";
        }
    }

    public static string? Deadline(string? text) =>
        text is null || RequestDeadline.TryParse(text, out _)
            ? null
            : $"RequestReport.deadline must be a positive duration such as \"01:30:00\" or a time with an offset such as \"2026-12-07T18:00:00Z\" (was {Quote(JsonSerializer.SerializeToElement(text))}).";

    /// <summary>The typed message's problem, or null: the same rules, for a message that did not come through the screen.</summary>
    public static string? FindProblem(RequestReport message) =>
        RequestedBy(message.RequestedBy) ?? MaxCredits(message.MaxCredits) ?? Context(message.Context) ?? Deadline(message.Deadline)
        ?? Priority(message.Priority) ?? Report(message.Report);

    /// <summary>The value as JSON, cut to <see cref="RequestLimits.QuotedValueLength"/> characters: recognisable, never large.</summary>
    internal static string Quote(JsonElement element)
    {
        var text = element.GetRawText();
        if (text.Length <= RequestLimits.QuotedValueLength)
            return text;
        // Never between the two halves of a surrogate pair: the error text must stay valid to be stored and sent.
        var cut = char.IsHighSurrogate(text[RequestLimits.QuotedValueLength - 1]) ? RequestLimits.QuotedValueLength - 1 : RequestLimits.QuotedValueLength;
        return text[..cut] + "…";
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return false;
        }

        return true;
    }
}
