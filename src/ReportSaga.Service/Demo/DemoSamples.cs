using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.Service.Demo;

/// <summary>
/// The demo's report requests: one for each interesting path. Simulator markers in <c>report_name</c>
/// (docs/simulator.md) script the provider's side; a real API ignores them.
/// </summary>
public static class DemoSamples
{
    /// <summary>A sample: its label, the request, and the ending a reader should expect.</summary>
    public sealed record Sample(string Label, RequestReport Request, string ExpectedEnding);

    public static IReadOnlyList<Sample> Create(int extraReports)
    {
        var samples = new List<Sample>
        {
            new("success", Request("Monthly traffic of two retailers", Body("Monthly traffic of two retailers")), "completed"),
            new("internal_error, then retry", Request("Recovered by a retry", Body("Recovered by a retry [sim:internal_error]")), "completed"),
            new("over budget", Request("Too expensive", Body("Too expensive [sim:credits=50000]"), maxCredits: 1000), ReportFailureReasons.CreditBudgetExceeded),
            new("invalid request", Request("Hourly is not a granularity", Body("Hourly is not a granularity", granularity: "hourly")), ReportFailureReasons.Invalid),
            new("bad_request after submission", Request("Refused after submission", Body("Refused after submission [sim:bad_request]")), ReportFailureReasons.BadRequest),
        };
        for (var i = 1; i <= extraReports; i++)
        {
            var name = $"Extra report {i}";
            samples.Add(new Sample($"extra {i}", Request(name, Body(name)), "completed"));
        }

        return samples;
    }

    private static RequestReport Request(string requestedBy, JsonElement body, long? maxCredits = 100_000) => new()
    {
        RequestId = NewId.NextGuid(),
        Report = body,
        MaxCredits = maxCredits,
        RequestedBy = $"demo: {requestedBy}",
    };

    private static JsonElement Body(string reportName, string granularity = "monthly")
    {
        var body = new Dictionary<string, object>
        {
            ["report_name"] = reportName,
            ["delivery_information"] = new Dictionary<string, object>
            {
                ["response_format"] = "csv",
                ["delivery_method"] = "download_link",
                ["delivery_method_params"] = new Dictionary<string, object> { ["retention_days"] = 30 },
            },
            ["report_query"] = new Dictionary<string, object>
            {
                ["tables"] = new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["vtable"] = "traffic_and_engagement",
                        ["granularity"] = granularity,
                        ["filters"] = new Dictionary<string, object>
                        {
                            ["domains"] = new[] { "amazon.com", "ebay.com" },
                            ["countries"] = new[] { "WW", "US" },
                            ["include_subdomains"] = true,
                        },
                        ["metrics"] = new[] { "all_traffic_visits", "desktop_visits" },
                        ["start_date"] = "2024-01",
                        ["end_date"] = "2024-03",
                    },
                },
            },
        };
        return JsonSerializer.SerializeToElement(body);
    }
}
