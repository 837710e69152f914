using System.Diagnostics;
using MassTransit;
using ReportSaga.EndToEndBench.Tracking;
using ReportSaga.Simulator;
using Spectre.Console;

namespace ReportSaga.EndToEndBench.Runs;

/// <summary>
/// Publishes a run's reports and waits until each has ended, with a progress display: live bars on a terminal, a
/// line every 10 s otherwise (logs, pipes). Fails when no report ends for the stall limit.
/// </summary>
internal static class RunLoop
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainLineEvery = TimeSpan.FromSeconds(10);

    /// <param name="describeStall">What to say about the system when the run stalls (saga states, last output).</param>
    /// <param name="broken">Why the run cannot go on (a service process exited), checked every tick; null while all is well.</param>
    public static async Task RunAsync(
        ReportTracker tracker, IPublishEndpoint publisher, SimulatorState simulator, TimeSpan stallLimit, Func<Task<string>> describeStall,
        Func<string?>? broken = null)
    {
        using var stop = new CancellationTokenSource();
        var publishing = tracker.PublishAllAsync(publisher, stop.Token);
        try
        {
            if (AnsiConsole.Profile.Capabilities.Interactive)
                await WithBarsAsync(tracker, publishing, simulator, stallLimit, describeStall, broken);
            else
                await WithLinesAsync(tracker, publishing, simulator, stallLimit, describeStall, broken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(publishing);
        }
    }

    private static Task WithBarsAsync(
        ReportTracker tracker, Task publishing, SimulatorState simulator, TimeSpan stallLimit, Func<Task<string>> describeStall, Func<string?>? broken) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var published = context.AddTask("published", maxValue: tracker.Count);
                var submitted = context.AddTask("submitted to the provider", maxValue: tracker.Count);
                var ended = context.AddTask("ended", maxValue: tracker.Count);
                await WaitAsync(tracker, publishing, simulator, stallLimit, describeStall, broken, progress =>
                {
                    published.Value = progress.Published;
                    submitted.Value = Math.Min(progress.Submitted, tracker.Count);
                    ended.Value = progress.Ended;
                    ended.Description = $"ended ({progress.Ended:N0}, {progress.EndsPerSecond:0.0}/s)";
                });
            });

    private static Task WithLinesAsync(
        ReportTracker tracker, Task publishing, SimulatorState simulator, TimeSpan stallLimit, Func<Task<string>> describeStall, Func<string?>? broken)
    {
        var lastLine = Stopwatch.StartNew();
        return WaitAsync(tracker, publishing, simulator, stallLimit, describeStall, broken, progress =>
        {
            if (lastLine.Elapsed < PlainLineEvery && progress.Ended < tracker.Count)
                return;
            lastLine.Restart();
            Console.WriteLine($"  {progress.Elapsed.TotalSeconds,6:0}s published {progress.Published}/{tracker.Count}, " +
                              $"submitted {progress.Submitted}, ended {progress.Ended} ({progress.EndsPerSecond:0.0}/s)");
        });
    }

    private static async Task WaitAsync(
        ReportTracker tracker, Task publishing, SimulatorState simulator, TimeSpan stallLimit, Func<Task<string>> describeStall,
        Func<string?>? broken, Action<Progress> show)
    {
        var clock = Stopwatch.StartNew();
        var lastEnded = 0;
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            if (publishing.IsFaulted)
                await publishing; // throws the publish error
            if (broken?.Invoke() is { } reason)
                throw new RunFailedException(reason);
            var ended = tracker.Ended;
            var endsPerSecond = ended == 0 ? 0 : ended / Stopwatch.GetElapsedTime(tracker.FirstPublishAt).TotalSeconds;
            show(new Progress(clock.Elapsed, tracker.Published, simulator.CallCount(SimulatorEndpoint.RequestReport), ended, endsPerSecond));
            if (ended == tracker.Count && publishing.IsCompleted)
                return;

            if (ended != lastEnded)
            {
                lastEnded = ended;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > stallLimit)
            {
                throw new RunFailedException(
                    $"No report ended for {stallLimit.TotalSeconds:0} s: {ended} of {tracker.Count} ended, {tracker.Published} published." +
                    Environment.NewLine + await describeStall());
            }

            await Task.Delay(Tick, Interrupt.Token);
        }
    }

    private readonly record struct Progress(TimeSpan Elapsed, int Published, int Submitted, int Ended, double EndsPerSecond);
}

/// <summary>A run that cannot give honest figures: reports missing, ending twice, or nothing moving.</summary>
internal sealed class RunFailedException(string message) : Exception(message);
