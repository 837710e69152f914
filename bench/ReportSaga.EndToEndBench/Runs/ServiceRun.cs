using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportSaga.EndToEndBench.Infrastructure;
using ReportSaga.EndToEndBench.Service;
using ReportSaga.EndToEndBench.Tracking;
using ReportSaga.Simulator;

namespace ReportSaga.EndToEndBench.Runs;

/// <summary>
/// The real thing: service processes (Production settings) on a fresh RabbitMQ virtual host and a fresh PostgreSQL
/// database, the simulator in this process answering at once, and a subscriber bus here that publishes the requests
/// and receives the terminal events.
/// </summary>
internal static class ServiceRun
{
    private const string ApiKey = "bench-key";
    private const string EventsQueue = "bench-terminal-events";
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(120);

    /// <summary>
    /// After the last end: duplicates still have time to arrive, the broker refreshes its counters (every 5 s) and
    /// idle backends report their transactions (within 10 s).
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(11);

    public static async Task<RunResult> RunAsync(BenchOptions options, string serviceDll, string adminConnectionString)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var title = $"RabbitMQ + PostgreSQL, {options.Instances} instance{(options.Instances == 1 ? "" : "s")}";
        var tracker = new ReportTracker($"bench-{suffix}", options.Reports);
        var virtualHost = $"reportsaga-bench-{suffix}";

        using var management = new RabbitMqManagement(options.RabbitMqManagement);
        await management.CreateVirtualHostAsync(virtualHost);
        var services = new List<ServiceProcess>();
        ServiceProvider? subscriber = null;
        try
        {
            await using var database = await BenchDatabase.CreateAsync(adminConnectionString, $"reportsaga_bench_{suffix}");
            await using var simulator = await StartSimulatorAsync();
            var amqp = new UriBuilder(options.RabbitMq) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri;

            Console.WriteLine($"  starting {options.Instances} service process(es) on virtual host {virtualHost}, database {database.Name}");
            var settings = ServiceSettings(options, amqp, database.ConnectionString, simulator.BaseAddress);
            foreach (var (key, value) in options.Settings)
                settings[key] = value;
            if (options.Settings.Count > 0)
                Console.WriteLine("  settings given with --set: " + string.Join(", ", options.Settings.Keys));
            for (var i = 0; i < options.Instances; i++)
                services.Add(ServiceProcess.Start($"service-{(char)('a' + i)}", serviceDll, settings));
            await Task.WhenAll(services.Select(s => s.WaitUntilReadyAsync(ReadyLimit)));

            var active = new ActiveTracker(tracker);
            subscriber = await StartSubscriberAsync(amqp, active);
            var bus = subscriber.GetRequiredService<IBus>();
            Func<string?> broken = () => services.Any(s => s.HasExited)
                ? "A service process exited during the run:" + Environment.NewLine + DescribeServices(services.Where(s => s.HasExited))
                : null;
            await WarmUp.RunAsync(options, active, tracker, bus, simulator.State,
                async () => await database.DescribeSagaStatesAsync() + Environment.NewLine + DescribeServices(services), broken);

            // The window starts here: start-up, migrations and topology are not counted.
            await database.ResetStatementsAsync();
            var brokerBefore = await management.CountsAsync(virtualHost);
            var transactionsBefore = await database.TransactionsAsync();
            var cpuBefore = services.Select(s => s.CpuTime()).ToArray();
            var linesBefore = services.Select(s => (s.Lines, s.Bytes)).ToArray();
            var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await using var sessions = await SessionSampler.StartAsync(database);

            await new RunLoop
            {
                Tracker = tracker,
                Publisher = bus,
                Simulator = simulator.State,
                StallLimit = options.StallLimit,
                Deliveries = async () => (await management.CountsAsync(virtualHost)).Delivered,
                DescribeStall = async () => await database.DescribeSagaStatesAsync() + Environment.NewLine + DescribeServices(services),
                Broken = broken,
            }.RunAsync();

            // Read at the last end, so idle time after it is not counted.
            var elapsed = Stopwatch.GetElapsedTime(tracker.FirstPublishAt, tracker.LastEndAt);
            var serviceCpu = services.Select((s, i) => s.CpuTime() - cpuBefore[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
            var benchCpu = Process.GetCurrentProcess().TotalProcessorTime - benchCpuBefore;
            var lines = services.Select((s, i) => s.Lines - linesBefore[i].Lines).Sum();
            var bytes = services.Select((s, i) => s.Bytes - linesBefore[i].Bytes).Sum();
            var statements = await database.StatementsAsync();
            await sessions.StopAsync();

            Console.WriteLine($"  every report ended; settling {Settle.TotalSeconds:0} s (late duplicates, broker and database counters)");
            await Task.Delay(Settle, Interrupt.Token);
            var exited = services.Where(s => s.HasExited).ToList();
            if (exited.Count > 0)
                throw new RunFailedException($"A service process exited during the run: {DescribeServices(exited)}");

            var broker = (await management.SettledCountsAsync(virtualHost, apart: TimeSpan.FromSeconds(6), limit: TimeSpan.FromSeconds(90))).Minus(brokerBefore);
            return new RunResult
            {
                Title = title,
                Reports = tracker.Count,
                Instances = options.Instances,
                Elapsed = elapsed,
                PublishingTime = tracker.PublishingTime,
                LatenciesSeconds = tracker.LatenciesSeconds(),
                Order = SubmissionOrder.Measure(tracker, simulator.State),
                Problems = tracker.Problems(),
                ServiceCpu = serviceCpu,
                BenchCpu = benchCpu,
                ServicePeakResidentBytes = services.Max(s => s.PeakResidentBytes()),
                LogLines = lines,
                LogBytes = bytes,
                // Without the benchmark's own traffic: its N requests, and the deliveries to its events queue.
                Broker = new BrokerCounts(
                    broker.Published - tracker.Count,
                    broker.Delivered - broker.DeliveredByQueue.GetValueOrDefault(EventsQueue),
                    broker.DeliveredByQueue.Where(q => q.Key != EventsQueue).ToDictionary()),
                Statements = database.CountsStatements ? statements : null,
                Transactions = await database.TransactionsAsync() - transactionsBefore,
                Sessions = sessions,
                PoolSizePerInstance = new NpgsqlConnectionStringBuilder(database.ConnectionString).MaxPoolSize,
                ServerMaxConnections = await database.MaxConnectionsAsync(),
            };
        }
        finally
        {
            if (subscriber is not null)
            {
                await subscriber.GetRequiredService<IBusControl>().StopAsync(CancellationToken.None);
                await subscriber.DisposeAsync();
            }

            foreach (var service in services)
                await service.DisposeAsync();
            await management.DeleteVirtualHostAsync(virtualHost);
        }
    }

    /// <summary>The settings an operator would give, Production mode; short first poll so the first check finds the report done.</summary>
    private static Dictionary<string, string> ServiceSettings(BenchOptions options, Uri amqp, string postgres, Uri simulator) => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__RabbitMq"] = amqp.ToString(),
        ["ConnectionStrings__Postgres"] = postgres,
        ["BatchApi__BaseUrl"] = simulator.ToString(),
        ["BatchApi__ApiKey"] = ApiKey,
        // The benchmark reads nothing over the service's HTTP API; a key is required in Production.
        ["Http__ApiKeys"] = "bench-operator-key-0123456789",
        ["Submission__MaxInFlight"] = options.MaxInFlight.ToString(CultureInfo.InvariantCulture),
        ["Polling__InitialInterval"] = "00:00:00.100",
        ["Polling__MaxInterval"] = "00:00:01",
    };

    /// <summary>A provider that answers at once, completes every report on its first status check and never runs out of credits.</summary>
    public static Task<SimulatorHost> StartSimulatorAsync() => SimulatorHost.StartAsync(new SimulatorOptions
    {
        ApiKeys = ApiKey,
        ProcessingTime = TimeSpan.Zero,
        InitialCredits = long.MaxValue / 4,
    });

    private static async Task<ServiceProvider> StartSubscriberAsync(Uri amqp, ActiveTracker tracker)
    {
        var services = new ServiceCollection();
        services.AddSingleton(tracker);
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.AddConsumer<TerminalEventConsumer>();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(amqp, h => h.ConnectionName("reportsaga-bench"));
                cfg.ReceiveEndpoint(EventsQueue, e =>
                {
                    e.PrefetchCount = 256;
                    e.ConfigureConsumer<TerminalEventConsumer>(context);
                });
            });
        });
        var provider = services.BuildServiceProvider();
        using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await provider.GetRequiredService<IBusControl>().StartAsync(starting.Token);
        return provider;
    }

    private static string DescribeServices(IEnumerable<ServiceProcess> services) =>
        string.Join(Environment.NewLine, services.Select(s =>
            $"-- {s.Name} (pid {s.ProcessId}{(s.HasExited ? ", exited" : "")}), last lines:{Environment.NewLine}{s.Tail()}"));
}
