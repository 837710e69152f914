using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReportSaga.BatchApi;

/// <summary>
/// Turns whatever the provider answered (JSON errors, plain text, an HTML proxy page, nothing) into short,
/// readable error texts, with the API key blanked out in case a body echoes it.
/// </summary>
internal static partial class ErrorTexts
{
    private const int MaxSnippetLength = 300;

    /// <summary>The provider's error texts from <c>errors</c>, <c>error</c> or <c>message</c>; a described body otherwise.</summary>
    public static IReadOnlyList<string> From(HttpExchange exchange, string? apiKey)
    {
        var errors = new List<string>();
        if (JsonReading.TryParseObject(exchange.Body) is { } root)
        {
            errors.AddRange(FromJson(root));
        }

        if (errors.Count == 0)
        {
            errors.Add(Describe(exchange));
        }

        return Redact(errors, apiKey);
    }

    /// <summary>Error texts from a JSON object; each non-string entry becomes its JSON text.</summary>
    public static List<string> FromJson(JsonElement root)
    {
        var errors = new List<string>();
        if (JsonReading.Property(root, "errors") is { } list)
        {
            if (list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var text = JsonReading.AsString(item) ?? item.GetRawText();
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        errors.Add(text);
                    }
                }
            }
            else if (JsonReading.AsString(list) is { Length: > 0 } single)
            {
                errors.Add(single);
            }
        }

        if (errors.Count == 0)
        {
            foreach (var name in (string[])["error", "message", "detail", "title"])
            {
                if (JsonReading.String(root, name) is { Length: > 0 } text)
                {
                    errors.Add(text);
                    break;
                }
            }
        }

        return errors;
    }

    /// <summary>"HTTP 502 (Bad Gateway): &lt;text of the body&gt;", tags and extra whitespace removed.</summary>
    public static string Describe(HttpExchange exchange)
    {
        var status = exchange.StatusCode is { } code
            ? $"HTTP {code} ({exchange.ReasonPhrase ?? ReasonFor(code)})"
            : "No HTTP response";
        var text = Snippet(exchange.Body, exchange.ContentType);
        return text.Length == 0 ? $"{status} with an empty body" : $"{status}: {text}";
    }

    public static IReadOnlyList<string> Redact(IReadOnlyList<string> texts, string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return texts;
        }

        return texts.Select(t => Redact(t, apiKey)).ToArray();
    }

    public static string Redact(string text, string? apiKey) =>
        string.IsNullOrEmpty(apiKey) ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);

    private static string Snippet(byte[] body, string? contentType)
    {
        if (body.Length == 0)
        {
            return "";
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 16 * 1024));
        var isHtml = (contentType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false) ||
                     text.TrimStart().StartsWith('<');
        if (isHtml)
        {
            // A proxy's error page: its title says the most; otherwise keep the visible text.
            var title = TitleTag().Match(text);
            text = title.Success ? title.Groups[1].Value : Tags().Replace(ScriptOrStyle().Replace(text, " "), " ");
            text = WebUtility.HtmlDecode(text);
            text = $"non-JSON (HTML) response: {text}";
        }

        text = Whitespace().Replace(text, " ").Trim();
        return text.Length <= MaxSnippetLength ? text : text[..MaxSnippetLength] + "…";
    }

    private static string ReasonFor(int code) =>
        Enum.IsDefined(typeof(HttpStatusCode), code) ? ((HttpStatusCode)code).ToString() : "unknown";

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitleTag();

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
