using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.BatchApi;
using ReportSaga.EndToEndBench.Tracking;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.EndToEndBench.Runs;

/// <summary>
/// The upper bound: the same state machines and consumers, wired in this process the way the unit tests' harness
/// wires them (MassTransit's in-memory transport, in-memory saga repositories, in-memory outbox, the transport's
/// delayed scheduler, an in-process submission ledger), on real time, calling the same simulator over loopback HTTP.
/// No broker, no database and no log output: what is left is the pipeline's own cost.
/// </summary>
internal static class InMemoryRun
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<RunResult> RunAsync(BenchOptions options)
    {
        var tracker = new ReportTracker($"bench-inmemory-{Guid.NewGuid():N}"[..28], options.Reports);
        await using var simulator = await ServiceRun.StartSimulatorAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BatchApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["BatchApi:ApiKey"] = simulator.Options.ApiKeys,
            ["Polling:InitialInterval"] = "00:00:00.100",
            ["Polling:MaxInterval"] = "00:00:01",
            ["Submission:MaxInFlight"] = options.MaxInFlight.ToString(CultureInfo.InvariantCulture),
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddBatchApiClient(configuration);
        services.AddReportSagaOptions(configuration);
        services.AddSingleton<ISubmissionLedger, InMemorySubmissionLedger>();
        var active = new ActiveTracker(tracker);
        services.AddSingleton(active);
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            x.AddReportSaga(); // in-memory saga repositories
            x.AddDelayedMessageScheduler();
            x.AddConsumer<TerminalEventConsumer>();
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.UseMessageRetry(r => r.Intervals(10, 50, 100, 200, 500));
                endpoint.UseInMemoryOutbox(context);
            });
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseDelayedMessageScheduler();
                cfg.ConfigureEndpoints(context);
            });
        });

        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        // Nothing hosts this provider: start the submission gate's worker (a hosted service in the service) by hand.
        var granter = provider.GetRequiredService<SubmissionGranter>();
        await granter.StartAsync(CancellationToken.None);
        try
        {
            await WarmUp.RunAsync(options, active, tracker, bus, simulator.State, () => Task.FromResult("(in memory: no saga rows to show)"));
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await new RunLoop
            {
                Tracker = tracker,
                Publisher = bus,
                Simulator = simulator.State,
                StallLimit = options.StallLimit,
                DescribeStall = () => Task.FromResult("(in memory: no saga rows to show)"),
            }.RunAsync();
            var elapsed = Stopwatch.GetElapsedTime(tracker.FirstPublishAt, tracker.LastEndAt);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            await Task.Delay(Settle, Interrupt.Token); // late duplicates
            return new RunResult
            {
                Title = "in memory (upper bound)",
                Reports = tracker.Count,
                Instances = 1,
                Elapsed = elapsed,
                PublishingTime = tracker.PublishingTime,
                LatenciesSeconds = tracker.LatenciesSeconds(),
                Order = SubmissionOrder.Measure(tracker, simulator.State),
                Problems = tracker.Problems(),
                BenchCpu = cpu,
            };
        }
        finally
        {
            await granter.StopAsync(CancellationToken.None);
            await bus.StopAsync(CancellationToken.None);
        }
    }
}
