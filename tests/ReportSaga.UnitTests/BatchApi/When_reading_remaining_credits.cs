using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_reading_remaining_credits
{
    [Fact]
    public async Task A_new_key_has_its_initial_credits()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { InitialCredits = 5_000 });
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(new CreditsResult(5_000), result.Value);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.Credits));
    }

    [Fact]
    public async Task Credits_go_down_by_the_used_quota_once_processing_starts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { InitialCredits = 5_000, ProcessingTime = TimeSpan.FromSeconds(10) }, time);
        using var client = TestClient.For(simulator.BaseAddress);
        await client.Api.RequestReportAsync(ReportBodies.Body("[sim:quota=321]"));

        var whilePending = await client.Api.GetRemainingCreditsAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        var onceProcessing = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(5_000, whilePending.Value!.RemainingCredits);
        Assert.Equal(5_000 - 321, onceProcessing.Value!.RemainingCredits);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.ApiKey = "not-a-key");

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(BatchApiOutcome.Unauthorized, result.Outcome);
        Assert.Equal(401, result.StatusCode);
        Assert.Contains("api-key is missing or not valid", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task A_configured_error_rate_fails_credits_calls_as_transient()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Faults = { CreditsErrorRate = 1.0, ErrorStatusCode = 503 },
        });
        using var client = TestClient.For(simulator.BaseAddress);

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal(3, simulator.State.CallCount(SimulatorEndpoint.Credits));
    }
}
