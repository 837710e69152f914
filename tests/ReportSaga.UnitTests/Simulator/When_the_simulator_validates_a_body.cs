using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.Simulator;
using ReportSaga.UnitTests.BatchApi;
using static ReportSaga.UnitTests.Simulator.SimulatorCalls;

namespace ReportSaga.UnitTests.Simulator;

public sealed class When_the_simulator_validates_a_body : IAsyncLifetime
{
    private SimulatorHost _simulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions(), new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        _http = Http(_simulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    public static TheoryData<string, Action<JsonObject>, string> InvalidBodies => new()
    {
        { "unknown granularity", t => t["granularity"] = "hourly", "granularity should be one of the following - daily, weekly, monthly." },
        { "monthly with a day", t => t["start_date"] = "2024-01-15", "start_date should be in the format YYYY-MM for monthly granularity." },
        { "daily with a month", t => { t["granularity"] = "daily"; t["start_date"] = "2024-01"; t["end_date"] = "2024-01-31"; }, "start_date should be in the format YYYY-MM-DD for daily granularity." },
        { "weekly end date with a month", t => { t["granularity"] = "weekly"; t["start_date"] = "2024-01-01"; t["end_date"] = "2024-02"; }, "end_date should be in the format YYYY-MM-DD for weekly granularity." },
        { "start after end", t => { t["start_date"] = "2024-05"; t["end_date"] = "2024-03"; }, "start_date should be before end_date." },
        { "no end date and not latest", t => t.Remove("end_date"), "end_date is required unless latest is true." },
        { "no start date", t => t.Remove("start_date"), "start_date is required." },
        { "unknown country", t => t["filters"]!["countries"] = new JsonArray("US", "XZ"), "country 'XZ' is not available: use an ISO 3166 alpha-2 code or WW." },
        { "three-letter country", t => t["filters"]!["countries"] = new JsonArray("USA"), "country 'USA' is not available: use an ISO 3166 alpha-2 code or WW." },
        { "no countries", t => t["filters"]!["countries"] = new JsonArray(), "filters.countries should contain at least one country code." },
        { "no metrics", t => t["metrics"] = new JsonArray(), "metrics should contain at least one metric." },
        { "no domains", t => t["filters"]!["domains"] = new JsonArray(), "filters.domains (or filters.segment_ids) should contain at least one entry." },
        { "unknown vtable", t => t["vtable"] = "weather", "vtable 'weather' is unknown." },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_body_is_refused_with_the_providers_shape(string because, Action<JsonObject> spoil, string expectedError)
    {
        var body = ReportBodies.Node(because);
        spoil(ReportBodies.Table(body));

        var (validateStatus, validation) = await PostJson(_http, "/batch/v4/request-validate", body);
        var (submitStatus, submission) = await PostJson(_http, "/batch/v4/request-report", body);

        Assert.Equal(200, validateStatus);
        Assert.False(validation.GetProperty("is_valid").GetBoolean());
        Assert.Equal(JsonValueKind.Array, validation.GetProperty("warnings").ValueKind);
        Assert.Contains(Errors(validation), e => e.StartsWith(expectedError, StringComparison.Ordinal));
        Assert.Equal(400, submitStatus);
        Assert.Contains(Errors(submission), e => e.StartsWith(expectedError, StringComparison.Ordinal));
        Assert.Empty(_simulator.State.SubmittedReports());
    }

    public static TheoryData<string, Action<JsonObject>, long> ValidBodies => new()
    {
        { "monthly, 3 months", _ => { }, 2 * 2 * 3 * 2 },
        { "worldwide in lower case", t => t["filters"]!["countries"] = new JsonArray("ww", "gb", "DE"), 2 * 2 * 3 * 3 },
        { "daily, 10 days", t => { t["granularity"] = "daily"; t["start_date"] = "2024-01-01"; t["end_date"] = "2024-01-10"; }, 2 * 2 * 10 * 2 },
        { "weekly, 3 weeks", t => { t["granularity"] = "weekly"; t["start_date"] = "2024-01-01"; t["end_date"] = "2024-01-15"; }, 2 * 2 * 3 * 2 },
        { "latest instead of an end date", t => { t.Remove("end_date"); t["latest"] = true; }, 2 * 2 * 1 * 2 },
        { "segments instead of domains", t => { t["filters"]!.AsObject().Remove("domains"); t["filters"]!["segment_ids"] = new JsonArray("seg-1", "seg-2", "seg-3"); }, 3 * 2 * 3 * 2 },
        { "another known table", t => t["vtable"] = "geography", 2 * 2 * 3 * 2 },
    };

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public async Task A_valid_body_is_estimated_as_domains_times_metrics_times_periods_times_countries(string because, Action<JsonObject> change, long expectedCredits)
    {
        var body = ReportBodies.Node(because);
        change(ReportBodies.Table(body));

        var (status, validation) = await PostJson(_http, "/batch/v4/request-validate", body);

        Assert.Equal(200, status);
        Assert.True(validation.GetProperty("is_valid").GetBoolean(), validation.ToString());
        Assert.Equal(expectedCredits, validation.GetProperty("estimated_credits").GetInt64());
    }

    [Fact]
    public async Task Credits_are_summed_over_several_tables_and_errors_name_the_table()
    {
        var body = ReportBodies.Node();
        var tables = body["report_query"]!["tables"]!.AsArray();
        tables.Add(ReportBodies.Table(ReportBodies.Node(countries: ["FR"])).DeepClone());
        var (_, valid) = await PostJson(_http, "/batch/v4/request-validate", body);
        tables[1]!["granularity"] = "yearly";
        var (_, invalid) = await PostJson(_http, "/batch/v4/request-validate", body);

        Assert.Equal(24 + 12, valid.GetProperty("estimated_credits").GetInt64());
        Assert.Equal(["tables[1]: granularity should be one of the following - daily, weekly, monthly."], Errors(invalid));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_400()
    {
        using var response = await _http.PostAsync("/batch/v4/request-report", new StringContent("{not json", null, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(400, (int)response.StatusCode);
        Assert.StartsWith("The request body is not valid JSON", Errors(body).Single());
    }

    [Fact]
    public async Task A_misspelt_marker_is_reported_rather_than_ignored()
    {
        var (_, validation) = await PostJson(_http, "/batch/v4/request-validate", ReportBodies.Node("x [sim:internal_eror] [sim:submit=999]"));

        Assert.Equal(2, Errors(validation).Length);
        Assert.All(Errors(validation), e => Assert.Contains("is not understood", e));
    }

    [Fact]
    public async Task End_dates_after_the_simulators_today_are_a_warning()
    {
        var body = ReportBodies.Node(end: "2025-09"); // the clock says 2025-06-01

        var (_, validation) = await PostJson(_http, "/batch/v4/request-validate", body);

        Assert.True(validation.GetProperty("is_valid").GetBoolean());
        Assert.Equal("future_dates", validation.GetProperty("warnings")[0].GetProperty("code").GetString());
    }
}
