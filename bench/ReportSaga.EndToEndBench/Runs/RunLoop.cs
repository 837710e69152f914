using System.Diagnostics;
using MassTransit;
using ReportSaga.EndToEndBench.Tracking;
using ReportSaga.Simulator;
using Spectre.Console;

namespace ReportSaga.EndToEndBench.Runs;

/// <summary>
/// Publishes a run's reports and waits until each has ended, with a progress display: live bars on a terminal, a
/// line every 10 s otherwise (logs, pipes). Fails when nothing moves for the stall limit (no report ends, the
/// provider gets no call and <see cref="Deliveries"/> stays put: with thousands queued, the first report may take
/// minutes to end), when no report ends for twice the stall limit (a message failing and retried without end keeps
/// the broker busy but ends nothing), or at once when <see cref="Broken"/> names a reason.
/// </summary>
internal sealed class RunLoop
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainLineEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DeliveriesEvery = TimeSpan.FromSeconds(5);

    public required ReportTracker Tracker { get; init; }

    public required IPublishEndpoint Publisher { get; init; }

    /// <summary>The provider, to show how many reports reached it.</summary>
    public required SimulatorState Simulator { get; init; }

    public required TimeSpan StallLimit { get; init; }

    /// <summary>What to say about the system when the run stalls (saga states, last output).</summary>
    public required Func<Task<string>> DescribeStall { get; init; }

    /// <summary>Messages the broker delivered so far, read every <see cref="DeliveriesEvery"/>; work the provider does not see.</summary>
    public Func<Task<long>> Deliveries { get; init; } = () => Task.FromResult(0L);

    /// <summary>Why the run cannot go on (a service process exited), checked every tick; null while all is well.</summary>
    public Func<string?> Broken { get; init; } = () => null;

    public async Task RunAsync()
    {
        using var stop = new CancellationTokenSource();
        var publishing = Tracker.PublishAllAsync(Publisher, stop.Token);
        try
        {
            if (AnsiConsole.Profile.Capabilities.Interactive)
                await WithBarsAsync(publishing);
            else
                await WithLinesAsync(publishing);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(publishing);
        }
    }

    private Task WithBarsAsync(Task publishing) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var published = context.AddTask("published", maxValue: Tracker.Count);
                var submitted = context.AddTask("submitted to the provider", maxValue: Tracker.Count);
                var ended = context.AddTask("ended", maxValue: Tracker.Count);
                await WaitAsync(publishing, progress =>
                {
                    published.Value = progress.Published;
                    submitted.Value = Math.Min(progress.Submitted, Tracker.Count);
                    ended.Value = progress.Ended;
                    ended.Description = $"ended ({progress.Ended:N0}, {progress.EndsPerSecond:0.0}/s)";
                });
            });

    private Task WithLinesAsync(Task publishing)
    {
        var lastLine = Stopwatch.StartNew();
        return WaitAsync(publishing, progress =>
        {
            if (lastLine.Elapsed < PlainLineEvery && progress.Ended < Tracker.Count)
                return;
            lastLine.Restart();
            Console.WriteLine($"  {progress.Elapsed.TotalSeconds,6:0}s published {progress.Published}/{Tracker.Count}, " +
                              $"submitted {progress.Submitted}, ended {progress.Ended} ({progress.EndsPerSecond:0.0}/s)");
        });
    }

    private async Task WaitAsync(Task publishing, Action<Progress> show)
    {
        var clock = Stopwatch.StartNew();
        var lastActivity = -1L;
        var lastChange = Stopwatch.StartNew();
        var lastEnded = -1;
        var lastEnd = Stopwatch.StartNew();
        var deliveries = 0L;
        var deliveriesRead = Stopwatch.StartNew();
        while (true)
        {
            if (publishing.IsFaulted)
                await publishing; // throws the publish error
            if (Broken() is { } reason)
                throw new RunFailedException(reason);

            var ended = Tracker.Ended;
            var endsPerSecond = ended == 0 ? 0 : ended / Stopwatch.GetElapsedTime(Tracker.FirstPublishAt).TotalSeconds;
            show(new Progress(clock.Elapsed, Tracker.Published, Simulator.CallCount(SimulatorEndpoint.RequestReport), ended, endsPerSecond));
            if (ended == Tracker.Count && publishing.IsCompleted)
                return;

            if (ended != lastEnded)
            {
                lastEnded = ended;
                lastEnd.Restart();
            }
            else if (lastEnd.Elapsed > 2 * StallLimit)
            {
                throw new RunFailedException(
                    $"No report ended for {2 * StallLimit.TotalSeconds:0} s ({ended} of {Tracker.Count} ended, {Tracker.Published} published), " +
                    "although messages still moved: something is being retried without end." + Environment.NewLine + await DescribeStall());
            }

            if (deliveriesRead.Elapsed > DeliveriesEvery)
            {
                deliveries = await Deliveries();
                deliveriesRead.Restart();
            }

            var activity = ended + deliveries + Enum.GetValues<SimulatorEndpoint>().Sum(e => (long)Simulator.CallCount(e));
            if (activity != lastActivity)
            {
                lastActivity = activity;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > StallLimit)
            {
                throw new RunFailedException(
                    $"Nothing moved for {StallLimit.TotalSeconds:0} s: {ended} of {Tracker.Count} ended, {Tracker.Published} published." +
                    Environment.NewLine + await DescribeStall());
            }

            await Task.Delay(Tick, Interrupt.Token);
        }
    }

    private readonly record struct Progress(TimeSpan Elapsed, int Published, int Submitted, int Ended, double EndsPerSecond);
}

/// <summary>A run that cannot give honest figures: reports missing, ending twice, or nothing moving.</summary>
internal sealed class RunFailedException(string message) : Exception(message);
