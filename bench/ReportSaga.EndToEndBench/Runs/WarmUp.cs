using MassTransit;
using ReportSaga.EndToEndBench.Tracking;
using ReportSaga.Simulator;

namespace ReportSaga.EndToEndBench.Runs;

/// <summary>Runs <c>--warmup</c> reports through before the measured window opens, then makes the measured run's tracker active.</summary>
internal static class WarmUp
{
    public static async Task RunAsync(BenchOptions options, ActiveTracker active, ReportTracker measured, IPublishEndpoint publisher,
        SimulatorState simulator, Func<Task<string>> describeStall, Func<string?>? broken = null)
    {
        if (options.Warmup > 0)
        {
            Console.WriteLine($"  warming up: {options.Warmup:N0} reports first, not counted");
            // Its own names, so nothing of the warm-up is counted as the measured run's.
            var warm = new ReportTracker($"warmup-{Guid.NewGuid():N}"[..19], options.Warmup);
            active.Current = warm;
            await new RunLoop
            {
                Tracker = warm,
                Publisher = publisher,
                Simulator = simulator,
                StallLimit = options.StallLimit,
                DescribeStall = describeStall,
                Broken = broken ?? (() => null),
            }.RunAsync();
            // Its last outbox deliveries and scheduler sweeps, before the window's counters are read.
            await Task.Delay(TimeSpan.FromSeconds(3), Interrupt.Token);
        }

        active.Current = measured;
    }
}
