using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ReportSaga.EndToEndBench.Infrastructure;
using ReportSaga.EndToEndBench.Runs;
using ReportSaga.EndToEndBench.Service;
using ReportSaga.EndToEndBench.Tracking;
using ReportSaga.Simulator;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>
/// Memory with N reports waiting on the provider (issue 10: flat within 20 % from 1,000 to 50,000). On a fresh
/// RabbitMQ virtual host and database: a service process migrates the schema and takes one real report to Waiting
/// (the template); it is stopped; N reports are created at the simulator (processing for days) and N copies of the
/// template's rows are written (<see cref="WaitingSeeder"/>); then the service process(es) start on that database,
/// and once ready the seeded wake-ups are made due, spread over <see cref="BenchOptions.PollInterval"/>, and the
/// service polls them for <see cref="BenchOptions.Duration"/> while its memory is sampled every second.
/// </summary>
internal static class WaitingRun
{
    private const string ApiKey = "bench-key";
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ProviderProcessingTime = TimeSpan.FromDays(2);
    private static readonly TimeSpan Parked = TimeSpan.FromDays(1);
    private const int HeapReportLines = 28;

    public static async Task<WaitingResult> RunAsync(BenchOptions options, int waiting, string serviceDll, string adminConnectionString)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var virtualHost = $"reportsaga-bench-{suffix}";
        using var management = new RabbitMqManagement(options.RabbitMqManagement);
        await management.CreateVirtualHostAsync(virtualHost);
        var services = new List<ServiceProcess>();
        try
        {
            await using var database = await BenchDatabase.CreateAsync(adminConnectionString, $"reportsaga_bench_{suffix}");
            await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                ApiKeys = ApiKey,
                ProcessingTime = ProviderProcessingTime,
                InitialCredits = long.MaxValue / 4,
                MaxPendingReportsPerKey = waiting + 100,
            });
            var amqp = new UriBuilder(options.RabbitMq) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri;
            var baseSettings = ServiceSettings(amqp, database.ConnectionString, simulator.BaseAddress);
            foreach (var (key, value) in options.Settings)
                baseSettings[key] = value;

            // 1. The template: one report through the real service to Waiting; its first check half an hour away.
            Console.WriteLine($"  template: one report through a service process to Waiting (virtual host {virtualHost}, database {database.Name})");
            var tracker = new ReportTracker($"bench-waiting-{suffix}", 1);
            Guid template;
            await using (var templateService = ServiceProcess.Start("template", serviceDll, new Dictionary<string, string>(baseSettings)
                         {
                             ["Polling__InitialInterval"] = "00:30:00",
                             ["Polling__MaxInterval"] = "01:00:00",
                         }))
            {
                await templateService.WaitUntilReadyAsync(ReadyLimit);
                template = await TemplateReport.CreateAsync(amqp, database.ConnectionString, tracker.Request(0));
            }

            // 2. N reports at the provider and N copies of the template's rows, their wake-ups parked a day away.
            var seeding = Stopwatch.StartNew();
            var reportIds = await WaitingSeeder.CreateAtProviderAsync(simulator.BaseAddress, ApiKey, simulator.Options.RequestReportPath,
                tracker.Request(0).Report!.Value, waiting);
            var providerTime = seeding.Elapsed;
            await WaitingSeeder.SeedDatabaseAsync(database.ConnectionString, template, reportIds, options.PollInterval, DateTime.UtcNow + Parked);
            var databaseTime = seeding.Elapsed - providerTime;
            Console.WriteLine($"  seeded {waiting:N0} reports waiting: {providerTime.TotalSeconds:0.0} s at the provider, {databaseTime.TotalSeconds:0.0} s in the database");

            // 3. The measured service process(es), on the seeded database.
            var settings = new Dictionary<string, string>(baseSettings)
            {
                ["Polling__InitialInterval"] = "00:00:05",
                ["Polling__MaxInterval"] = options.PollInterval.ToString("c", CultureInfo.InvariantCulture),
            };
            for (var i = 0; i < options.Instances; i++)
                services.Add(ServiceProcess.Start($"service-{(char)('a' + i)}", serviceDll, settings));
            await Task.WhenAll(services.Select(s => s.WaitUntilReadyAsync(ReadyLimit)));
            var loadAtStart = LoadAverage();
            var idle = services.Sum(s => s.ResidentBytes());

            await using var memory = MemorySampler.Start(services, options.Duration);
            simulator.State.ResetCallCounts();
            var cpuBefore = services.Select(s => s.CpuTime()).ToArray();
            await MakeWakeUpsDueAsync(database.ConnectionString);
            Console.WriteLine($"  {services.Count} service process(es) ready at {Mb(idle)} resident; the {waiting:N0} wake-ups are due from now over " +
                              $"{options.PollInterval.TotalSeconds:0} s; polling for {options.Duration.TotalSeconds:0} s (load average {loadAtStart})");

            var clock = Stopwatch.StartNew();
            var lastLine = Stopwatch.StartNew();
            while (clock.Elapsed < options.Duration)
            {
                await Task.Delay(MemorySampler.Interval, Interrupt.Token);
                if (services.FirstOrDefault(s => s.HasExited) is { } exited)
                    throw new RunFailedException($"{exited.Name} exited during the run. Last output:{Environment.NewLine}{exited.Tail()}");
                if (lastLine.Elapsed >= TimeSpan.FromSeconds(10))
                {
                    lastLine.Restart();
                    var calls = simulator.State.CallCount(SimulatorEndpoint.Status);
                    var depth = (await management.QueueDepthsAsync(virtualHost)).Values.Sum();
                    Console.WriteLine($"    {clock.Elapsed.TotalSeconds,5:0}s resident {Mb(memory.Latest)}, status calls {calls:N0} " +
                                      $"({calls / clock.Elapsed.TotalSeconds:0.0}/s), messages in the service's queues {depth:N0}");
                }
            }

            var statusCalls = simulator.State.CallCount(SimulatorEndpoint.Status);
            var queued = await management.QueueDepthsAsync(virtualHost);
            var otherCalls = Enum.GetValues<SimulatorEndpoint>().Where(e => e != SimulatorEndpoint.Status).Sum(e => simulator.State.CallCount(e));
            var cpu = services.Select((s, i) => s.CpuTime() - cpuBefore[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
            var peak = services.Sum(s => s.PeakResidentBytes());
            var (heap, committed) = await memory.StopAsync();

            // Last: a heap snapshot forces a full collection, so what is left is what the service really holds.
            var heapReports = new List<string>();
            var afterFullCollection = 0L;
            foreach (var service in services)
            {
                if (await HeapReport.TakeAsync(service.ProcessId, HeapReportLines) is { } report)
                    heapReports.Add($"{service.Name}:{Environment.NewLine}{report}");
                afterFullCollection += service.ResidentBytes();
            }

            var states = await StatesAsync(database.ConnectionString, template);
            return new WaitingResult
            {
                Waiting = waiting,
                Instances = options.Instances,
                Duration = clock.Elapsed,
                PollInterval = options.PollInterval,
                ProviderSeeding = providerTime,
                DatabaseSeeding = databaseTime,
                IdleResident = idle,
                Resident = memory.Resident.Select(r => r.Bytes).ToList(),
                PeakResident = peak,
                GcHeap = heap,
                GcCommitted = committed,
                HasGcCounters = memory.HasGcCounters,
                StatusCalls = statusCalls,
                OtherProviderCalls = otherCalls,
                ServiceCpu = cpu,
                Polled = states.Polled,
                StillWaiting = states.Waiting,
                Ended = states.Ended,
                WakeUpsDueNotSent = states.DueNotSent,
                QueuedAtBroker = queued.Where(q => q.Value > 0).OrderByDescending(q => q.Value).ToDictionary(),
                HeapReports = heapReports,
                ResidentAfterFullCollection = heapReports.Count > 0 ? afterFullCollection : null,
                LoadAtStart = loadAtStart,
                LoadAtEnd = LoadAverage(),
            };
        }
        finally
        {
            foreach (var service in services)
                await service.DisposeAsync();
            await management.DeleteVirtualHostAsync(virtualHost);
        }
    }

    /// <summary>The settings an operator would give, Production mode; the polling settings come per phase.</summary>
    private static Dictionary<string, string> ServiceSettings(Uri amqp, string postgres, Uri simulator) => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__RabbitMq"] = amqp.ToString(),
        ["ConnectionStrings__Postgres"] = postgres,
        ["BatchApi__BaseUrl"] = simulator.ToString(),
        ["BatchApi__ApiKey"] = ApiKey,
        ["Http__ApiKeys"] = "bench-operator-key-0123456789",
        ["Submission__MaxInFlight"] = "100000",
    };

    /// <summary>Moves the seeded wake-ups from a day away to now plus their spread (the template's own stays where it is).</summary>
    private static async Task MakeWakeUpsDueAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Interrupt.Token);
        await using var command = new NpgsqlCommand(
            "UPDATE scheduled_message SET due_time = due_time - @parked, next_attempt_at = next_attempt_at - @parked " +
            "WHERE due_time > now() + @parked / 2 AND due_time < now() + @parked * 2 " +
            "AND token_id IN (SELECT wake_up_token_id FROM report_state WHERE wake_up_token_id IS NOT NULL)", connection) { CommandTimeout = 600 };
        command.Parameters.AddWithValue("parked", Parked);
        await command.ExecuteNonQueryAsync(Interrupt.Token);
    }

    private static async Task<(long Polled, long Waiting, long Ended, long DueNotSent)> StatesAsync(string connectionString, Guid template)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Interrupt.Token);
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE poll_count > 0),
                   count(*) FILTER (WHERE current_state = 'Waiting'),
                   count(*) FILTER (WHERE current_state IN ('Completed', 'Failed')),
                   (SELECT count(*) FROM scheduled_message WHERE NOT cancelled AND due_time <= now())
            FROM report_state WHERE correlation_id <> @t
            """, connection);
        command.Parameters.AddWithValue("t", template);
        await using var reader = await command.ExecuteReaderAsync(Interrupt.Token);
        await reader.ReadAsync(Interrupt.Token);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    public static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:0} MB";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
