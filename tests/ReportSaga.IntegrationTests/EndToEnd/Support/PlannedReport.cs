using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Messaging;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// A report a test requests, with the ending it must have. <see cref="Name"/> is unique and is the body's
/// <c>report_name</c> (simulator markers included), so the simulator's submissions can be counted per report.
/// </summary>
/// <param name="ExpectedFailure">The <c>ReportFailed.reason</c> it must end with; null: it must complete.</param>
/// <param name="ExpectedSubmissions">How many times the provider must have created it (0 for reports refused before submission).</param>
internal sealed record PlannedReport(
    Guid RequestId,
    string Kind,
    string Name,
    JsonObject Body,
    long? MaxCredits,
    bool PlainJson,
    string? ExpectedFailure,
    int ExpectedSubmissions)
{
    private const string RequestReportExchange = "ReportSaga.Contracts:RequestReport";

    /// <summary>Who asks (fair share and budgets are per requester); null: the publisher's default name.</summary>
    public string? RequestedBy { get; init; }

    public override string ToString() => $"{Kind} {RequestId} ({(PlainJson ? "plain JSON" : "envelope")})";

    /// <summary>Publishes the request the way its publisher would: a MassTransit envelope, or plain JSON from a bare AMQP client.</summary>
    public async Task PublishAsync(IBus bus, Uri rabbitMqUri)
    {
        if (PlainJson)
        {
            var json = new JsonObject
            {
                ["requestId"] = RequestId.ToString(),
                ["report"] = Body.DeepClone(),
                ["maxCredits"] = MaxCredits,
                ["requestedBy"] = RequestedBy ?? "e2e plain-json publisher",
            };
            await PlainJsonPublisher.PublishAsync(rabbitMqUri, RequestReportExchange, json.ToJsonString());
            return;
        }

        await bus.Publish(new RequestReport
        {
            RequestId = RequestId,
            Report = JsonSerializer.SerializeToElement(Body),
            MaxCredits = MaxCredits,
            RequestedBy = RequestedBy ?? "e2e MassTransit publisher",
        });
    }
}

/// <summary>The kinds of report the end-to-end tests mix, each scripted through simulator markers (see ReportMarkers).</summary>
internal static class Reports
{
    /// <summary>Above every estimate of <see cref="Body"/>, so only the over-budget kind hits the budget.</summary>
    private const long GenerousBudget = 1_000_000;

    public static PlannedReport Plain(int index, bool plainJson = false, string markers = "") =>
        Create("plain", index, markers, plainJson, GenerousBudget, expectedFailure: null, expectedSubmissions: 1);

    /// <summary>Ends in internal_error once; the retry call recovers it.</summary>
    public static PlannedReport RecoveredByRetry(int index, bool plainJson = false) =>
        Create("internal-error-once", index, "[sim:internal_error]", plainJson, GenerousBudget, null, 1);

    /// <summary>More internal errors than Reports__MaxRetries (2 in these tests) allows.</summary>
    public static PlannedReport RetriesExhausted(int index, bool plainJson = false) =>
        Create("internal-error-always", index, "[sim:internal_error=5]", plainJson, GenerousBudget, ReportFailureReasons.RetriesExhausted, 1);

    /// <summary>Accepted at submission, then marked bad_request by the provider.</summary>
    public static PlannedReport BadRequest(int index, bool plainJson = false) =>
        Create("bad-request", index, "[sim:bad_request]", plainJson, GenerousBudget, ReportFailureReasons.BadRequest, 1);

    /// <summary>The provider estimates 50 000 credits against a budget of 1 000: never submitted.</summary>
    public static PlannedReport OverBudget(int index, bool plainJson = false) =>
        Create("over-budget", index, "[sim:credits=50000]", plainJson, 1_000, ReportFailureReasons.CreditBudgetExceeded, 0);

    /// <summary>The provider's validation refuses the granularity: never submitted.</summary>
    public static PlannedReport InvalidAtProvider(int index, bool plainJson = false)
    {
        var report = Create("invalid-granularity", index, "", plainJson, GenerousBudget, ReportFailureReasons.Invalid, 0);
        report.Body["report_query"]!["tables"]![0]!["granularity"] = "hourly";
        return report;
    }

    /// <summary>No report_query at all: the service refuses it before calling the provider.</summary>
    public static PlannedReport MissingQuery(int index, bool plainJson = false)
    {
        var report = Create("missing-query", index, "", plainJson, GenerousBudget, ReportFailureReasons.Invalid, 0);
        report.Body.Remove("report_query");
        return report;
    }

    /// <summary>Rate limited (429) on its first two submit calls, then created once.</summary>
    public static PlannedReport RateLimitedTwice(int index, bool plainJson = false) =>
        Create("rate-limited", index, "[sim:submit=429*2]", plainJson, GenerousBudget, null, 1);

    private static PlannedReport Create(
        string kind, int index, string markers, bool plainJson, long? maxCredits, string? expectedFailure, int expectedSubmissions)
    {
        var requestId = NewId.NextGuid();
        var name = $"e2e {kind} {index} {requestId:N}" + (markers.Length > 0 ? " " + markers : "");
        return new PlannedReport(requestId, kind, name, Body(name), maxCredits, plainJson, expectedFailure, expectedSubmissions);
    }

    private static JsonObject Body(string reportName) => new()
    {
        ["report_name"] = reportName,
        ["delivery_information"] = new JsonObject
        {
            ["response_format"] = "csv",
            ["delivery_method"] = "download_link",
            ["delivery_method_params"] = new JsonObject { ["retention_days"] = 30 },
        },
        ["report_query"] = new JsonObject
        {
            ["tables"] = new JsonArray(new JsonObject
            {
                ["vtable"] = "traffic_and_engagement",
                ["granularity"] = "monthly",
                ["filters"] = new JsonObject
                {
                    ["domains"] = new JsonArray("amazon.com", "ebay.com"),
                    ["countries"] = new JsonArray("WW", "US"),
                    ["include_subdomains"] = true,
                },
                ["metrics"] = new JsonArray("all_traffic_visits", "desktop_visits"),
                ["start_date"] = "2024-01",
                ["end_date"] = "2024-03",
            }),
        },
    };
}
