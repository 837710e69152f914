using System.Text;
using CsCheck;

namespace ReportSaga.UnitTests.Requests;

/// <summary>
/// CsCheck generators of <c>RequestReport</c> transport bodies as JSON text: valid requests, requests with each field
/// broken in the ways publishers break them, arbitrary JSON, broken JSON, deep nesting, and both framings. Text, not
/// a JSON object model, so the bodies can hold what a model would refuse to write (unpaired surrogates, duplicate and
/// differently-cased names, comments, trailing commas).
/// </summary>
internal static class JsonBodies
{
    public const string RequestReportUrn = "urn:message:ReportSaga.Contracts:RequestReport";

    private static readonly Gen<string> Letters = Gen.OneOf("a", "b", "Z", "é", "ſ", "東", "K", " ", "-", "_", "0", "😀");

    private static readonly Gen<string> Escapes = Gen.OneOf(
        "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\u0000", "\\u001f", "\\ud800", "\\udc00", "\\uD83D\\uDE00", "\\u017f");

    /// <summary>A JSON string literal, short, with escapes now and then (unpaired surrogates and NUL among them).</summary>
    public static readonly Gen<string> StringLiteral =
        Gen.Frequency((6, Letters), (1, Escapes)).Array[0, 12].Select(parts => "\"" + string.Concat(parts) + "\"");

    /// <summary>Plain text: no escapes, a length chosen by the caller.</summary>
    public static Gen<string> PlainText(int min, int max) =>
        Gen.OneOf("a", "b", "Z", "é", "東", "😀", " ", "-").Array[min, max].Select(parts => string.Concat(parts));

    public static readonly Gen<string> Number = Gen.Frequency(
        (3, Gen.OneOf("0", "-0", "1", "42", "-3", "1.5", "1.0", "1e3", "1E-2", "0.10", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "123456789012345678901234567890", "1.5e-7")),
        (2, Gen.Long.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public static readonly Gen<string> Scalar = Gen.Frequency(
        (1, Gen.OneOf("null", "true", "false")), (3, Number), (3, StringLiteral), (1, Gen.Guid.Select(g => $"\"{g}\"")));

    /// <summary>Names that the deserializer may take for a field (any case, the long s) and names it ignores.</summary>
    public static readonly Gen<string> FieldName = Gen.OneOf(
        "requestId", "RequestId", "REQUESTID", "requeſtId", "report", "Report", "REPORT", "maxCredits", "MaxCredits", "maxCreditſ",
        "requestedBy", "RequestedBy", "requeſtedBy", "context", "deadline", "priority", "message", "x", "", "\\ud800", "r\\u0065port");

    /// <summary>Any JSON value, nested up to <paramref name="depth"/> levels.</summary>
    public static Gen<string> Value(int depth)
    {
        if (depth <= 0)
            return Scalar;
        var inner = Value(depth - 1);
        var array = inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]");
        var member = Gen.Select(FieldName, inner, (name, value) => $"\"{name}\":{value}");
        var obj = member.Array[0, 4].Select(members => "{" + string.Join(",", members) + "}");
        return Gen.Frequency((4, Scalar), (1, array), (1, obj));
    }

    public static readonly Gen<string> AnyValue = Value(4);

    /// <summary>A Batch API body that passes the service's own checks (the provider judges the rest).</summary>
    public static readonly Gen<string> ValidReport = Gen.Select(PlainText(0, 20), Value(3), (name, extra) =>
        $$"""{"report_name":"{{name}}","report_query":{"tables":[{"vtable":"traffic_and_engagement","granularity":"monthly","metrics":["all_traffic_visits"],"future":{{extra}}}]},"unknown_top":{{extra}}}""");

    public static readonly Gen<string> BrokenReport = Gen.OneOf(
        "{}", "[]", "\"report\"", "42", "{\"report_query\":[]}", "{\"report_query\":{}}", "{\"report_query\":{\"tables\":[]}}",
        "{\"report_query\":{\"tables\":{}}}", "{\"report_query\":{\"tables\":\"x\"}}");

    public static readonly Gen<string> ValidRequestId = Gen.Guid.Where(g => g != Guid.Empty).Select(g => $"\"{g}\"");
    /// <summary>A priority the rules accept, or "" for none.</summary>
    public static readonly Gen<string> ValidPriority = Gen.OneOf("\"low\"", "\"normal\"", "\"high\"", "null", "");
    public static readonly Gen<string> ValidMaxCredits = Gen.Long[1, long.MaxValue].Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static readonly Gen<string> ValidRequestedBy = PlainText(0, 120).Select(text => $"\"{text}\"");

    /// <summary>What one field of a request may hold: mostly its own kind of value, valid or broken, sometimes anything.</summary>
    private static readonly Gen<(string Name, string Value)> RequestMember = Gen.Frequency(
        (1, Gen.Select(Gen.OneOf("requestId", "RequestId", "requeſtId"),
            Gen.Frequency((6, ValidRequestId), (1, Gen.Const("\"00000000-0000-0000-0000-000000000000\"")), (1, Gen.Const("\"not-a-guid\"")), (1, AnyValue)),
            (n, v) => (n, v))),
        (3, Gen.Select(Gen.OneOf("report", "Report"), Gen.Frequency((4, ValidReport), (2, BrokenReport), (1, AnyValue)), (n, v) => (n, v))),
        (3, Gen.Select(Gen.OneOf("maxCredits", "MAXCREDITS", "maxCreditſ"),
            Gen.Frequency((3, ValidMaxCredits), (2, Number), (1, Gen.OneOf("\"lots\"", "\"5\"", "null", "[]", "{}")), (1, AnyValue)),
            (n, v) => (n, v))),
        (3, Gen.Select(Gen.OneOf("requestedBy", "RequestedBy", "requeſtedBy"),
            Gen.Frequency((3, ValidRequestedBy), (2, PlainText(250, 262).Select(t => $"\"{t}\"")), (1, StringLiteral), (1, AnyValue)),
            (n, v) => (n, v))),
        (2, Gen.Select(Gen.OneOf("priority", "Priority", "PRIORITY"),
            Gen.Frequency((3, ValidPriority.Where(p => p != "")), (1, Gen.OneOf("\"urgent\"", "\"High\"", "1", "[]")), (1, AnyValue)), (n, v) => (n, v))),
        (3, Gen.Select(FieldName, AnyValue, (n, v) => (n, v))));

    /// <summary>A request object with a few fields, broken or not, duplicates and unknown ones included, in any order.</summary>
    public static readonly Gen<string> RequestObject = Gen.Select(ValidRequestId, RequestMember.Array[0, 6], Gen.Int[0, 9].Select(i => i < 8),
        (id, members, leadWithId) =>
        {
            var parts = members.Select(m => $"\"{m.Name}\":{m.Value}").ToList();
            if (leadWithId)
                parts.Insert(0, $"\"requestId\":{id}");
            return "{" + string.Join(",", parts) + "}";
        });

    /// <summary>A context that meets its rule: null, or a small object holding anything.</summary>
    public static readonly Gen<string> ValidContext = Gen.Frequency((1, Gen.Const("null")), (4, Value(2).Select(v => $"{{\"key\":{v}}}")));

    /// <summary>A deadline in one of the two forms the schema publishes (the limit is the consumer's to check), or null.</summary>
    public static readonly Gen<string> ValidDeadline = Gen.OneOf(
        "\"01:30:00\"", "\"1.00:00:00\"", "\"00:00:01.5\"", "\"2026-12-07T18:00:00Z\"", "\"2030-01-01T00:00+01:00\"", "null");

    /// <summary>The optional fields beside the required ones: valid context, deadline and priority, and a field the service does not know.</summary>
    private static readonly Gen<string> OptionalMember = Gen.Frequency(
        (2, Value(3).Select(v => $"\"x_future\":{v}")),
        (1, ValidPriority.Where(p => p != "").Select(v => $"\"priority\":{v}")),
        (1, ValidContext.Select(v => $"\"context\":{v}")),
        (1, ValidDeadline.Select(v => $"\"deadline\":{v}")));

    private static string Name(string member) => member[..member.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>A request that meets every rule: optional fields present, null or absent; unknown fields anywhere.</summary>
    public static readonly Gen<(Guid RequestId, string Json)> ValidRequest = Gen.Select(
        Gen.Guid.Where(g => g != Guid.Empty), ValidReport, Gen.Frequency((3, ValidMaxCredits), (1, Gen.OneOf("null", ""))),
        Gen.Frequency((3, ValidRequestedBy), (1, Gen.OneOf("null", ""))), OptionalMember.Array[0, 4].Where(m => m.Select(Name).Distinct().Count() == m.Length),
        (id, report, credits, by, unknown) =>
        {
            var parts = new List<string> { $"\"requestId\":\"{id}\"", $"\"report\":{report}" };
            if (credits != "")
                parts.Add($"\"maxCredits\":{credits}");
            if (by != "")
                parts.Add($"\"requestedBy\":{by}");
            parts.AddRange(unknown);
            return (id, "{" + string.Join(",", parts) + "}");
        });

    /// <summary>A MassTransit envelope around <paramref name="message"/>, as MassTransit publishers write it.</summary>
    public static string Envelope(string message, string messageType = RequestReportUrn) =>
        "{\"messageId\":\"" + Guid.NewGuid() + "\",\"conversationId\":\"" + Guid.NewGuid() +
        "\",\"destinationAddress\":\"rabbitmq://localhost/ReportSaga.Contracts:RequestReport\",\"messageType\":[\"" + messageType +
        "\"],\"message\":" + message + ",\"sentTime\":\"2026-01-05T09:00:00Z\",\"headers\":{},\"host\":{\"machineName\":\"test\"}}";

    /// <summary>Broken whole bodies: cut short, trailing junk, nested too deep, comments and trailing commas, not an object.</summary>
    public static Gen<string> Mangled(Gen<string> body) => Gen.Frequency(
        (6, body),
        (1, Gen.Select(body, Gen.Double[0, 1], (b, at) => b[..(int)(b.Length * at)])),
        (1, body.Select(b => b + "}}")),
        (1, body.Select(b => b.Replace(",", ", /* c */", StringComparison.Ordinal))),
        (1, body.Select(b => b.EndsWith('}') ? b[..^1] + ",}" : b)),
        (1, Gen.Select(body, Gen.Int[20, 45], (b, depth) => b.EndsWith('}') ? b[..^1] + ",\"deep\":" + Nested(depth) + "}" : b)),
        (1, AnyValue));

    /// <summary><paramref name="depth"/> arrays inside each other.</summary>
    public static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
