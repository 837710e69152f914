using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

/// <summary>
/// Saga tests register a FakeTimeProvider in the container. HTTP timeouts and retry waits must still run on the
/// wall clock, or every timeout would wait until a test happened to move its clock.
/// </summary>
public sealed class When_the_host_clock_is_fake
{
    private readonly FakeTimeProvider _frozen = new(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_submission_still_times_out_into_an_unknown_outcome()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500), time: _frozen);

        // WaitAsync: if the pipeline ran on the frozen clock this would hang; fail instead.
        var result = await client.Api.RequestReportAsync(ReportBodies.Body("[sim:submit=timeout]")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BatchApiOutcome.OutcomeUnknown, result.Outcome);
    }

    [Fact]
    public async Task Retry_waits_still_pass()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        using var client = TestClient.For(simulator.BaseAddress, o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(20), time: _frozen);

        var result = await client.Api.ValidateAsync(ReportBodies.Body("[sim:validate=500*2]")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BatchApiOutcome.Success, result.Outcome);
        Assert.Equal(3, simulator.State.CallCount(SimulatorEndpoint.Validate));
    }
}
