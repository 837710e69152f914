using System.Text.Encodings.Web;
using System.Text.Json;

namespace ReportSaga.UnitTests.Contracts;

/// <summary>Batch API report bodies as publishers send them, and a canonical text form to compare them by.</summary>
internal static class ReportBodies
{
    /// <summary>
    /// A report body with what a plain object model would lose: snake_case keys, fields nobody has
    /// documented (nested too), integers beyond 64 bits, decimals with trailing zeros, exponents,
    /// negative zero, nulls, empty and nested arrays, and non-ASCII text. Compact and canonical for
    /// <see cref="Canonical"/>, so the text itself is the expected value.
    /// </summary>
    public const string Odd =
        """{"report_name":"Zürich Q1 — 東京","delivery_information":{"response_format":"csv","delivery_method":"download_link","delivery_method_params":{"retention_days":30,"x_unknown_flag":null}},"report_query":{"tables":[{"vtable":"traffic_and_engagement","granularity":"monthly","filters":{"domains":["amazon.com","ebay.com"],"countries":["WW","US"],"include_subdomains":true,"segment_ids":[]},"metrics":["all_traffic_visits","desktop_visits"],"start_date":"2024-01","end_date":"2024-03","latest":false,"future_option":{"nested_list":[[1,2],[],[null,{"deep_key":"v"}]],"huge":123456789012345678901234567890,"price":0.10,"tiny":1.5e-7,"negative_zero":-0,"ratio":-12.500}}]},"top_level_unknown":[true,false,null,"text",3]}""";

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>
    /// The element written compactly with MassTransit's encoder: two values are byte-equivalent when
    /// their canonical texts are equal (MassTransit's own output is indented, so whitespace is set aside).
    /// </summary>
    public static string Canonical(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            element.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
