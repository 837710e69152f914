using System.Diagnostics;
using System.Text;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Simulator;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// One end-to-end run: the provider simulator hosted in the test process (so its state can be read), a subscriber
/// bus on the service's virtual host, and service processes the test starts, kills and restarts. Whatever happens,
/// every process is killed at the end; when the test fails, each process's output, the saga rows of the reports that
/// did not end and the run's timeline are written to the test output.
/// </summary>
internal sealed class EndToEndScenario : IAsyncDisposable
{
    public const string ApiKey = "e2e-key";

    /// <summary>How long a started process may take to become ready; only stops a hung test (2 busy cores).</summary>
    public static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);

    /// <summary>How long after the last expected end the test keeps listening for a duplicate end.</summary>
    private static readonly TimeSpan DuplicateWatch = TimeSpan.FromSeconds(2);

    /// <summary>The exit code with which the service ends itself to be restarted (ServiceExit.ReceiveEndpointWedged).</summary>
    public const int RestartMeExitCode = 75;

    private readonly List<ServiceProcess> _processes = [];
    private readonly List<(string Process, int ExitCode)> _selfExits = [];
    private readonly CancellationTokenSource _disposing = new();
    private readonly List<PlannedReport> _reports = [];
    private readonly List<string> _timeline = [];
    private readonly List<Func<string>> _diagnostics = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ITestOutputHelper _output;

    private EndToEndScenario(InfrastructureFixture infrastructure, ITestOutputHelper output, SimulatorHost simulator, EventObserver observer)
    {
        Infrastructure = infrastructure;
        _output = output;
        Simulator = simulator;
        Observer = observer;
        Database = new ServiceDatabase(infrastructure.PostgresConnectionString, infrastructure.DatabaseName);
    }

    public InfrastructureFixture Infrastructure { get; }

    public SimulatorHost Simulator { get; }

    public EventObserver Observer { get; }

    public ObservedEvents Events => Observer.Events;

    public ServiceDatabase Database { get; }

    public IReadOnlyList<PlannedReport> Reports
    {
        get
        {
            lock (_reports)
                return [.. _reports];
        }
    }

    /// <summary>Runs <paramref name="test"/> in a new scenario on the test class's own virtual host and database.</summary>
    public static async Task RunAsync(
        InfrastructureFixture infrastructure, ITestOutputHelper output, Func<EndToEndScenario, Task> test, TimeSpan? processingTime = null)
    {
        var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            ApiKeys = ApiKey,
            ProcessingTime = processingTime ?? TimeSpan.FromSeconds(2),
        });
        EventObserver observer;
        try
        {
            observer = await EventObserver.StartAsync(infrastructure.RabbitMqUri);
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }

        await using var scenario = new EndToEndScenario(infrastructure, output, simulator, observer);
        try
        {
            await test(scenario);
            scenario.Note("test body done");
            scenario.WriteTimeline();
        }
        catch
        {
            scenario.Note("test failed");
            await scenario.WriteDiagnosticsAsync();
            throw;
        }
    }

    /// <summary>
    /// The service's settings, every one given as in production (DOTNET_ENVIRONMENT=Production, where a missing part
    /// is a start-up error), with short polling intervals and retry delays so reports finish in seconds.
    /// </summary>
    public Dictionary<string, string> Settings(Uri? rabbitMqUri = null)
    {
        var settings = DefaultSettings(rabbitMqUri);
        // A kept full log (REPORTSAGA_E2E_LOG_DIR) is for finding out why: with MassTransit's endpoint lifecycle in it.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("REPORTSAGA_E2E_LOG_DIR")))
            settings["Logging__LogLevel__MassTransit"] = "Debug";
        return settings;
    }

    private Dictionary<string, string> DefaultSettings(Uri? rabbitMqUri) => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__RabbitMq"] = (rabbitMqUri ?? Infrastructure.RabbitMqUri).ToString(),
        ["ConnectionStrings__Postgres"] = Infrastructure.PostgresConnectionString,
        ["BatchApi__BaseUrl"] = Simulator.BaseAddress.ToString(),
        ["BatchApi__ApiKey"] = ApiKey,
        // Production requires a key for the operator HTTP API; these tests use only the open health endpoints.
        ["Http__ApiKeys"] = "end-to-end-operator-key",
        ["Polling__InitialInterval"] = "00:00:01",
        ["Polling__MaxInterval"] = "00:00:03",
        // Far beyond any wait of these tests: a report that ends here ended for a reason the test chose.
        ["Reports__Deadline"] = "00:10:00",
        ["Reports__MaxRetries"] = "2",
        ["Reports__RetryDelay"] = "00:00:01",
        ["Reports__MaxRetryDelay"] = "00:00:02",
        ["Submission__MaxInFlight"] = "90",
        ["Submission__RetryDelay"] = "00:00:01",
        ["Submission__MaxRetryDelay"] = "00:00:02",
        // Short, so a receive endpoint wedged by a cut is replaced while the test still waits (default 2 minutes).
        ["RabbitMq__StuckEndpointLimit"] = "00:00:40",
        ["OTEL_SDK_DISABLED"] = "true",
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>Starts a service process and, unless told otherwise, waits until it is ready.</summary>
    public async Task<ServiceProcess> StartServiceAsync(string name, IReadOnlyDictionary<string, string>? settings = null, bool waitUntilReady = true)
    {
        var process = ServiceProcess.Start(name, settings ?? Settings());
        lock (_processes)
            _processes.Add(process);
        Note($"started {process.Describe()}");
        if (waitUntilReady)
        {
            await process.WaitUntilReadyAsync(ReadyLimit);
            Note($"{name} ready");
        }

        return process;
    }

    /// <summary>
    /// Starts a service process under a supervisor like the deployment's (Compose's restart policy, Kubernetes,
    /// systemd): when a process ends by itself, the supervisor notes it and starts a new one with the same settings.
    /// Waits until the first is ready and returns it; <see cref="AssertNoServiceEndedByItselfButToBeRestarted"/>
    /// checks afterwards that no process ended for another reason than asking for a restart.
    /// </summary>
    public async Task<ServiceProcess> StartSupervisedServiceAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var process = await StartServiceAsync(name, settings);
        _ = SuperviseAsync(name, settings, process);
        return process;
    }

    private async Task SuperviseAsync(string name, IReadOnlyDictionary<string, string> settings, ServiceProcess process)
    {
        for (var generation = 2; ; generation++)
        {
            int exitCode;
            try
            {
                exitCode = await process.WaitForExitAsync(_disposing.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (process.StoppedByTest || _disposing.IsCancellationRequested)
                return;
            lock (_selfExits)
                _selfExits.Add((process.Describe(), exitCode));
            Note($"{process.Describe()} ended by itself; its supervisor starts a new one");
            process = await StartServiceAsync($"{name}#{generation}", settings, waitUntilReady: false);
            if (_disposing.IsCancellationRequested)
            {
                // The scenario ended meanwhile and may have missed this one.
                await process.DisposeAsync();
                return;
            }
        }
    }

    /// <summary>Fails if a supervised process ended by itself with another exit code than the one that asks for a restart.</summary>
    public void AssertNoServiceEndedByItselfButToBeRestarted()
    {
        lock (_selfExits)
        {
            var crashes = _selfExits.Where(e => e.ExitCode != RestartMeExitCode).ToList();
            Assert.True(crashes.Count == 0, "A service process ended by itself: " +
                                            string.Join(", ", crashes.Select(c => $"{c.Process} with exit code {c.ExitCode}")));
        }
    }

    /// <summary>Waits until every service process still running answers ready; returns them.</summary>
    public async Task<IReadOnlyList<ServiceProcess>> WaitUntilRunningServicesReadyAsync()
    {
        List<ServiceProcess> running;
        lock (_processes)
            running = _processes.Where(p => !p.HasExited).ToList();
        Assert.NotEmpty(running);
        foreach (var process in running)
            await process.WaitUntilReadyAsync(ReadyLimit);
        return running;
    }

    public void Kill(ServiceProcess process)
    {
        process.Kill();
        Note($"SIGKILL {process.Describe()}");
    }

    /// <summary>Adds a line to the run's timeline (written to the test output at the end).</summary>
    public void Note(string text)
    {
        lock (_timeline)
            _timeline.Add($"{_clock.Elapsed.TotalSeconds,7:0.00}s {text}");
    }

    /// <summary>Expects <paramref name="reports"/> to end as planned, though the test delivers their requests another way.</summary>
    public void Expect(IEnumerable<PlannedReport> reports)
    {
        lock (_reports)
            _reports.AddRange(reports);
    }

    public async Task PublishAsync(IEnumerable<PlannedReport> reports)
    {
        var list = reports.ToList();
        lock (_reports)
            _reports.AddRange(list);
        foreach (var report in list)
            await report.PublishAsync(Observer.Bus, Infrastructure.RabbitMqUri);
        Note($"published {list.Count} report request(s)");
    }

    /// <summary>
    /// Waits until every published report has ended, then listens a little longer for duplicates, and checks what a
    /// user of the service relies on: each report ended exactly once, as planned, and the provider created each
    /// submitted report exactly once. With <paramref name="submitCallsMayBeCut"/> (a crash or a lost database cut a
    /// submit call short), a report planned to be submitted may instead end <c>submission_uncertain</c>, created at most once. Returns the endings' reasons by count.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> AssertEveryReportEndedOnceAsync(TimeSpan limit, bool submitCallsMayBeCut = false)
    {
        var reports = Reports;
        var missing = await Events.WaitForEndsAsync(reports.Select(r => r.RequestId).ToList(), limit);
        if (missing.Count > 0)
        {
            var which = reports.Where(r => missing.Contains(r.RequestId)).Select(r => r.ToString());
            throw new Xunit.Sdk.XunitException(
                $"{missing.Count} of {reports.Count} reports did not end within {limit}: {string.Join(", ", which)}");
        }

        Note("every report ended; watching for duplicate ends");
        await Task.Delay(DuplicateWatch);

        var problems = new List<string>();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var submitted = Simulator.State.SubmittedReports();
        foreach (var report in reports)
        {
            var ends = Events.EndsOf(report.RequestId);
            var created = submitted.Where(s => s.ReportName == report.Name).ToList();
            if (ends.Count != 1)
            {
                problems.Add($"{report}: {ends.Count} terminal events ({string.Join(", ", ends.Select(Describe))})");
                continue;
            }

            var outcome = ends[0] is ReportFailed failed ? failed.Reason : "completed";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            var expected = report.ExpectedFailure ?? "completed";

            if (submitCallsMayBeCut && outcome == ReportFailureReasons.SubmissionUncertain && report.ExpectedSubmissions == 1)
            {
                if (created.Count > 1)
                    problems.Add($"{report}: ended submission_uncertain but the provider created it {created.Count} times");
                continue;
            }

            if (outcome != expected)
                problems.Add($"{report}: ended {Describe(ends[0])}, expected {expected}");
            if (created.Count != report.ExpectedSubmissions)
                problems.Add($"{report}: the provider created it {created.Count} times, expected {report.ExpectedSubmissions}");
            if (ends[0] is ReportCompleted completed
                && (created.Count != 1 || completed.ReportId != created[0].ReportId || string.IsNullOrEmpty(completed.DownloadUrl)))
                problems.Add($"{report}: ReportCompleted names report {completed.ReportId} with download URL " +
                             $"'{completed.DownloadUrl}', the provider created [{string.Join(", ", created.Select(c => c.ReportId))}]");
        }

        Note("endings: " + string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")) +
             $"; repeated deliveries of a message already received (dropped as an inbox would): {Events.RepeatedDeliveries}");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        return outcomes;
    }

    private static string Describe(object end) => end switch
    {
        ReportCompleted completed => $"ReportCompleted({completed.ReportId})",
        ReportFailed failed => $"ReportFailed({failed.Reason}: {string.Join(" | ", failed.Errors)})",
        _ => end.GetType().Name,
    };

    private void WriteTimeline()
    {
        lock (_timeline)
            _output.WriteLine("Timeline:" + Environment.NewLine + string.Join(Environment.NewLine, _timeline));
    }

    /// <summary>Adds a part to a failed test's report (e.g. what a proxy in the test did); called when the report is written.</summary>
    public void AddDiagnostics(Func<string> describe)
    {
        lock (_diagnostics)
            _diagnostics.Add(describe);
    }

    // The processes' output first and the summary last: a CI log that keeps only the end of a failure's output then
    // still shows what happened.
    private async Task WriteDiagnosticsAsync()
    {
        List<ServiceProcess> processes;
        lock (_processes)
            processes = [.. _processes];
        foreach (var process in processes)
            _output.WriteLine($"==== output of {process.Describe()} ===={Environment.NewLine}{process.Output}");

        var unfinished = Events.NotEnded(Reports.Select(r => r.RequestId));
        var text = new StringBuilder();
        text.AppendLine("==== summary");
        text.AppendLine($"Reports without an end: {unfinished.Count} of {Reports.Count}.");
        if (unfinished.Count > 0)
        {
            text.AppendLine(await Database.DescribeAsync(unfinished));
            try
            {
                using var broker = await BrokerConnections.ForAsync(Infrastructure.VirtualHost);
                text.AppendLine("-- queues (management API, refreshed every few seconds)");
                text.AppendLine(await broker.DescribeQueuesAsync());
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                text.AppendLine($"(could not read the queues: {e.Message})");
            }
        }

        List<Func<string>> diagnostics;
        lock (_diagnostics)
            diagnostics = [.. _diagnostics];
        foreach (var describe in diagnostics)
            text.AppendLine(describe());
        text.AppendLine("Processes: " + string.Join(", ", processes.Select(p => p.Describe())));
        _output.WriteLine(text.ToString());
        WriteTimeline();
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        List<ServiceProcess> processes;
        lock (_processes)
            processes = [.. _processes];
        foreach (var process in processes)
            await process.DisposeAsync();

        try
        {
            await Observer.DisposeAsync();
        }
        finally
        {
            await Simulator.DisposeAsync();
            _disposing.Dispose();
        }
    }
}
