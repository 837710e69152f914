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

    public async Task InitializeAsync() => Harness = await ReportSagaHarness.StartAsync(Settings, SimulatorOptions);

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
