using System.Text.Json;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_validating_a_report
{
    [Fact]
    public async Task A_valid_report_returns_its_credit_estimate_and_no_warnings()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.Success, result.Outcome);
        Assert.Equal(ReportBodies.DefaultEstimate, result.Value!.EstimatedCredits);
        Assert.Empty(result.Value.Warnings);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.Validate));
        Assert.Empty(simulator.State.SubmittedReports()); // validation creates nothing
    }

    [Fact]
    public async Task Warnings_are_kept_as_raw_json_values()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);
        var body = ReportBodies.Node();
        ReportBodies.Table(body)["latest"] = true; // and an end_date too: the provider warns that it is ignored

        var result = await client.Api.ValidateAsync(ReportBodies.Element(body));

        var warning = Assert.Single(result.Value!.Warnings);
        Assert.Equal(JsonValueKind.Object, warning.ValueKind);
        Assert.Equal("end_date_ignored", warning.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_invalid_report_answered_with_http_200_is_invalid_with_the_providers_errors()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);
        var body = ReportBodies.Node();
        ReportBodies.Table(body)["granularity"] = "hourly";

        var result = await client.Api.ValidateAsync(ReportBodies.Element(body));

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(["granularity should be one of the following - daily, weekly, monthly."], result.Errors);
    }

    [Fact]
    public async Task An_invalid_report_answered_with_http_400_is_invalid_too()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { InvalidValidationStatusCode = 400 });
        using var client = TestClient.For(simulator.BaseAddress);
        var body = ReportBodies.Node(countries: ["XX"]);

        var result = await client.Api.ValidateAsync(ReportBodies.Element(body));

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(400, result.StatusCode);
        Assert.Contains(result.Errors, e => e.Contains("'XX'", StringComparison.Ordinal));
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.Validate)); // 400 is final, not retried
    }

    [Theory]
    [InlineData("[sim:validate=invalid]", 200)]
    [InlineData("[sim:validate=400]", 400)]
    public async Task The_validate_marker_makes_a_valid_report_invalid(string marker, int expectedStatus)
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body($"r {marker}"));

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(expectedStatus, result.StatusCode);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public async Task The_credits_marker_sets_the_estimate()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body("big [sim:credits=208]"));

        Assert.Equal(208, result.Value!.EstimatedCredits);
    }

    [Fact]
    public async Task A_server_error_is_retried_until_it_succeeds()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.MaxRetryAttempts = 3);

        var result = await client.Api.ValidateAsync(ReportBodies.Body("flaky [sim:validate=500*2]"));

        Assert.Equal(BatchApiOutcome.Success, result.Outcome);
        Assert.Equal(3, simulator.State.CallCount(SimulatorEndpoint.Validate));
    }

    [Theory]
    [InlineData("500")]
    [InlineData("503")]
    public async Task A_lasting_server_error_is_a_transient_failure_after_the_configured_retries(string code)
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.MaxRetryAttempts = 2);

        var result = await client.Api.ValidateAsync(ReportBodies.Body($"down [sim:validate={code}]"));

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(int.Parse(code), result.StatusCode);
        Assert.NotEmpty(result.Errors);
        Assert.Equal(3, simulator.State.CallCount(SimulatorEndpoint.Validate));
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.AttemptTimeout = TimeSpan.FromSeconds(1.5)); // the held attempt times out; the next must not

        var result = await client.Api.ValidateAsync(ReportBodies.Body("slow once [sim:validate=timeout*1]"));

        Assert.Equal(BatchApiOutcome.Success, result.Outcome);
        Assert.Equal(2, simulator.State.CallCount(SimulatorEndpoint.Validate));
    }

    [Fact]
    public async Task A_429_is_returned_as_rate_limited_without_retrying()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { RateLimitRetryAfter = TimeSpan.FromSeconds(7) });
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body("busy [sim:validate=429]"));

        Assert.Equal(BatchApiOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.Validate));
    }

    [Theory]
    [InlineData("401")]
    [InlineData("403")]
    public async Task A_refused_key_is_unauthorized_and_not_retried(string code)
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body($"r [sim:validate={code}]"));

        Assert.Equal(BatchApiOutcome.Unauthorized, result.Outcome);
        Assert.Equal(int.Parse(code), result.StatusCode);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.Validate));
    }
}
