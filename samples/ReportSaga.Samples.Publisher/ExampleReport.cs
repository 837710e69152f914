using System.Text.Json;

namespace ReportSaga.Samples.Publisher;

/// <summary>
/// A Batch API request body of the kind a marketing-analytics service would send: monthly traffic of two
/// domains in two markets, delivered as a CSV download link. ReportSaga forwards it to the provider unchanged,
/// so its keys keep the provider's snake_case.
/// </summary>
public static class ExampleReport
{
    /// <summary>The body as JSON text.</summary>
    public const string Json =
        """
        {
          "report_name": "Monthly traffic - amazon.com vs ebay.com",
          "delivery_information": {
            "response_format": "csv",
            "delivery_method": "download_link",
            "delivery_method_params": { "retention_days": 30 }
          },
          "report_query": {
            "tables": [
              {
                "vtable": "traffic_and_engagement",
                "granularity": "monthly",
                "filters": {
                  "domains": ["amazon.com", "ebay.com"],
                  "countries": ["WW", "US"],
                  "include_subdomains": true
                },
                "metrics": ["all_traffic_visits", "desktop_visits", "mobile_visits"],
                "start_date": "2024-01",
                "end_date": "2024-03"
              }
            ]
          }
        }
        """;

    /// <summary>The body as a JSON value, ready for <c>RequestReport.Report</c>.</summary>
    public static JsonElement Parse()
    {
        using var document = JsonDocument.Parse(Json);
        return document.RootElement.Clone();
    }
}
