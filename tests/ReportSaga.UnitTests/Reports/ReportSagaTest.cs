using Microsoft.Extensions.DependencyInjection;

namespace ReportSaga.UnitTests.Reports;

/// <summary>A test class with its own harness, started with the settings and simulator options it names.</summary>
public abstract class ReportSagaTest : IAsyncLifetime
{
    protected ReportSagaHarness Harness { get; private set; } = null!;

    protected virtual void Settings(IDictionary<string, string?> settings)
    {
    }

    protected virtual void SimulatorOptions(ReportSaga.Simulator.SimulatorOptions options)
    {
    }

    /// <summary>Services of the test's own, registered before the saga's (which adds only what is missing).</summary>
    protected virtual void Services(IServiceCollection services)
    {
    }

    public async Task InitializeAsync() => Harness = await ReportSagaHarness.StartAsync(Settings, SimulatorOptions, Services);

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
