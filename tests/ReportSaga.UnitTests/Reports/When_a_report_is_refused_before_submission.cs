using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_a_report_is_refused_before_submission : ReportSagaTest
{
    [Fact]
    public async Task An_invalid_report_fails_with_the_providers_errors_and_is_never_submitted()
    {
        var requestId = NewId.NextGuid();
        var body = System.Text.Json.JsonDocument.Parse("""
            { "report_name": "bad granularity",
              "report_query": { "tables": [ { "vtable": "traffic_and_engagement", "granularity": "hourly",
                "filters": { "domains": ["amazon.com"], "countries": ["US"] }, "metrics": ["all_traffic_visits"],
                "start_date": "2024-01", "end_date": "2024-03" } ] } }
            """).RootElement.Clone();
        await Harness.Bus.Bus.Publish(new RequestReport { RequestId = requestId, Report = body });

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.Invalid, failed.Reason);
        Assert.Null(failed.ReportId);
        Assert.Contains(failed.Errors, e => e.Contains("granularity", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task An_estimate_above_max_credits_fails_with_credit_budget_exceeded_and_is_never_submitted()
    {
        var requestId = await Harness.RequestAsync("expensive [sim:credits=5000]", maxCredits: 4999);

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.CreditBudgetExceeded, failed.Reason);
        Assert.Contains(failed.Errors, e => e.Contains("5000", StringComparison.Ordinal) && e.Contains("4999", StringComparison.Ordinal));
        Assert.Equal(5000, Assert.Single(Harness.Published<ReportValidated>(requestId, m => m.RequestId)).EstimatedCredits);
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task An_estimate_equal_to_max_credits_is_submitted()
    {
        var requestId = await Harness.RequestAsync("just affordable [sim:credits=5000]", maxCredits: 5000);

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Theory]
    [InlineData(null, "report is required")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{\"report_name\": \"no query\"}", "report_query is required")]
    [InlineData("{\"report_query\": {\"tables\": []}}", "tables must be a non-empty array")]
    public async Task A_request_without_a_usable_report_fails_at_once_as_invalid_saying_what_is_wrong(string? report, string problem)
    {
        var requestId = NewId.NextGuid();
        await Harness.Bus.Bus.Publish(new RequestReport
        {
            RequestId = requestId,
            Report = report is null ? null : System.Text.Json.JsonDocument.Parse(report).RootElement.Clone(),
        });

        await Harness.SettleAsync();

        var failed = Assert.IsType<ReportFailed>(Assert.Single(Harness.TerminalEvents(requestId)));
        Assert.Equal(ReportFailureReasons.Invalid, failed.Reason);
        Assert.Contains(failed.Errors, e => e.Contains(problem, StringComparison.Ordinal));
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.Validate));
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_rejected_api_key_fails_the_report_as_unauthorized()
    {
        var requestId = await Harness.RequestAsync("wrong key [sim:validate=401]");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId));

        Assert.Equal(ReportFailureReasons.Unauthorized, failed.Reason);
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
    }

    [Fact]
    public async Task A_validation_outage_is_waited_out_and_the_report_completes()
    {
        var requestId = await Harness.RequestAsync("flaky validate [sim:validate=503*4]");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
        Assert.True(Harness.Calls(SimulatorEndpoint.Validate) >= 5);
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.RequestReport));
    }
}
