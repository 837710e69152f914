using System.Net;
using System.Net.Sockets;
using System.Text;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_requesting_a_report
{
    [Fact]
    public async Task An_accepted_report_returns_its_id_and_pending_status()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body("accepted"));

        Assert.Equal(BatchApiOutcome.Success, result.Outcome);
        Assert.Equal(ProviderStatuses.Pending, result.Value!.Status);
        var submitted = Assert.Single(simulator.State.SubmittedReports());
        Assert.Equal(submitted.ReportId, result.Value.ReportId);
        Assert.Equal("accepted", submitted.ReportName);
    }

    [Fact]
    public async Task The_body_reaches_the_provider_byte_for_byte()
    {
        await using var server = await ScriptedHttpServer.Answering(200, """{"report_id":"r-1","status":"pending"}""");
        using var client = TestClient.For(server.BaseAddress);
        const string body = """{ "report_name" : "x",  "unknown_field": {"kept": [1, 2.50, "é"]}, "report_query": {"tables": []} }""";

        var result = await client.Api.RequestReportAsync(ReportBodies.Raw(body));

        Assert.Equal("r-1", result.Value!.ReportId);
        var request = Assert.Single(server.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/batch/v4/request-report", request.PathAndQuery);
        Assert.Equal(Encoding.UTF8.GetBytes(body), request.Body);
        Assert.Equal(TestClient.DemoKey, request.Headers["api-key"]);
    }

    [Fact]
    public async Task An_invalid_body_is_invalid_with_the_providers_errors()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Element(ReportBodies.Node(metrics: [])));

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal(["metrics should contain at least one metric."], result.Errors);
        Assert.Empty(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task A_report_costing_more_than_the_remaining_credits_is_refused()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { InitialCredits = 10 });
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body()); // estimate 24

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Contains("Insufficient credits", Assert.Single(result.Errors));
        Assert.Empty(simulator.State.SubmittedReports());
    }

    [Theory]
    [InlineData("500", BatchApiOutcome.TransientFailure)]
    [InlineData("503", BatchApiOutcome.TransientFailure)]
    [InlineData("429", BatchApiOutcome.RateLimited)]
    [InlineData("401", BatchApiOutcome.Unauthorized)]
    [InlineData("403", BatchApiOutcome.Unauthorized)]
    [InlineData("400", BatchApiOutcome.Invalid)]
    public async Task A_refusal_is_reported_and_never_retried(string code, BatchApiOutcome expected)
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.MaxRetryAttempts = 3);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body($"r [sim:submit={code}]"));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(int.Parse(code), result.StatusCode);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.RequestReport));
        Assert.Empty(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task A_refused_submission_can_be_sent_again_later_by_the_caller()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);
        var body = ReportBodies.Body("once [sim:submit=503*1]");

        var first = await client.Api.RequestReportAsync(body);
        var second = await client.Api.RequestReportAsync(body);

        Assert.Equal(BatchApiOutcome.TransientFailure, first.Outcome);
        Assert.Equal(BatchApiOutcome.Success, second.Outcome);
        Assert.Single(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task A_timeout_after_sending_is_an_unknown_outcome_and_is_not_retried()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetryAttempts = 3;
        });

        var result = await client.Api.RequestReportAsync(ReportBodies.Body("lost [sim:submit=timeout]"));

        Assert.Equal(BatchApiOutcome.OutcomeUnknown, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.RequestReport));
        Assert.Equal(1, simulator.State.SubmissionCount("lost [sim:submit=timeout]")); // the provider did create it
    }

    [Fact]
    public async Task A_connection_reset_after_sending_is_an_unknown_outcome_and_is_not_retried()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.MaxRetryAttempts = 3);
        // A warm pooled connection first: a reset on a reused connection must not tempt HttpClient to resend.
        Assert.True((await client.Api.GetRemainingCreditsAsync()).IsSuccess);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body("reset [sim:submit=reset]"));

        Assert.Equal(BatchApiOutcome.OutcomeUnknown, result.Outcome);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.RequestReport));
        Assert.Single(simulator.State.SubmittedReports());
    }

    [Fact]
    public async Task A_refused_connection_is_a_transient_failure_since_nothing_was_sent()
    {
        using var client = TestClient.For(new Uri($"http://127.0.0.1:{UnusedPort()}/"));

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Contains("could not connect", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task Too_many_pending_reports_is_rate_limited()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            MaxPendingReportsPerKey = 2,
            ProcessingTime = TimeSpan.FromHours(1),
        });
        using var client = TestClient.For(simulator.BaseAddress);

        var first = await client.Api.RequestReportAsync(ReportBodies.Body("1"));
        var second = await client.Api.RequestReportAsync(ReportBodies.Body("2"));
        var third = await client.Api.RequestReportAsync(ReportBodies.Body("3"));

        Assert.True(first.IsSuccess && second.IsSuccess);
        Assert.Equal(BatchApiOutcome.RateLimited, third.Outcome);
        Assert.Contains("Too many pending reports", Assert.Single(third.Errors));
        Assert.Equal(2, simulator.State.SubmittedReports().Count);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_gateway_error_is_an_unknown_outcome_because_the_origin_may_have_the_report(int status)
    {
        await using var server = await ScriptedHttpServer.Answering(status, "<html><title>Gateway</title></html>", "text/html");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.OutcomeUnknown, result.Outcome);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_success_without_a_report_id_is_an_unknown_outcome()
    {
        await using var server = await ScriptedHttpServer.Answering(200, """{"status":"pending"}""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.OutcomeUnknown, result.Outcome);
        Assert.Equal(200, result.StatusCode);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
