using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReportSaga.UnitTests.BatchApi;

/// <summary>Report bodies in the provider's shape, valid unless a test changes a field.</summary>
internal static class ReportBodies
{
    public static JsonObject Node(
        string? name = "test report",
        string vtable = "traffic_and_engagement",
        string granularity = "monthly",
        string? start = "2024-01",
        string? end = "2024-03",
        string[]? domains = null,
        string[]? countries = null,
        string[]? metrics = null) =>
        new()
        {
            ["report_name"] = name,
            ["delivery_information"] = new JsonObject
            {
                ["response_format"] = "csv",
                ["delivery_method"] = "download_link",
                ["delivery_method_params"] = new JsonObject { ["retention_days"] = 30 },
            },
            ["report_query"] = new JsonObject
            {
                ["tables"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["vtable"] = vtable,
                        ["granularity"] = granularity,
                        ["filters"] = new JsonObject
                        {
                            ["domains"] = Array(domains ?? ["amazon.com", "ebay.com"]),
                            ["countries"] = Array(countries ?? ["WW", "US"]),
                            ["include_subdomains"] = true,
                        },
                        ["metrics"] = Array(metrics ?? ["all_traffic_visits", "desktop_visits"]),
                        ["start_date"] = start,
                        ["end_date"] = end,
                    },
                },
            },
        };

    /// <summary>2 domains × 2 metrics × 3 months × 2 countries = 24 credits.</summary>
    public const long DefaultEstimate = 24;

    public static JsonElement Body(string? name = "test report") => Element(Node(name));

    public static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node);

    public static JsonElement Raw(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>The first table of a body, to change one field.</summary>
    public static JsonObject Table(JsonObject body) => body["report_query"]!["tables"]![0]!.AsObject();

    private static JsonArray Array(string[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
