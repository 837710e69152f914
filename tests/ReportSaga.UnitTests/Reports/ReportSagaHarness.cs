using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using ReportSaga.Service.Messaging;
using MassTransit.InMemoryTransport;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// The report saga on MassTransit's test harness (in-memory transport and saga repositories) with the Batch API
/// simulator in process on loopback. Time is fake and moves only when a test says so: the simulator's clock, the
/// saga's clock and the in-memory scheduler all move together.
/// </summary>
public sealed class ReportSagaHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;
    private readonly IInMemoryDelayProvider _delay;
    private readonly ReceiveActivity _activity = new();

    // The in-memory scheduler's clock is the real clock plus what it was advanced by, so real time passing between two
    // steps (a loaded machine) would make scheduled messages come due early against the fake clock, by as much as the
    // whole test has taken. Each step advances it only by what keeps it level with the fake clock.
    private readonly System.Diagnostics.Stopwatch _realElapsed = System.Diagnostics.Stopwatch.StartNew();
    private readonly DateTimeOffset _fakeStart;
    private TimeSpan _delayAdvanced;

    private ReportSagaHarness(ServiceProvider provider, SimulatorHost simulator, FakeTimeProvider time)
    {
        _provider = provider;
        Simulator = simulator;
        Time = time;
        _fakeStart = time.GetUtcNow();
        Bus = provider.GetRequiredService<ITestHarness>();
        _delay = provider.GetRequiredService<IInMemoryDelayProvider>();
        Bus.Bus.ConnectReceiveObserver(_activity);
    }

    public ITestHarness Bus { get; }
    public SimulatorHost Simulator { get; }
    public FakeTimeProvider Time { get; }

    public static async Task<ReportSagaHarness> StartAsync(
        Action<IDictionary<string, string?>>? settings = null,
        Action<SimulatorOptions>? simulator = null,
        Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(Start);
        var simulatorOptions = new SimulatorOptions { ProcessingTime = TimeSpan.FromSeconds(30) };
        simulator?.Invoke(simulatorOptions);
        var simulatorHost = await SimulatorHost.StartAsync(simulatorOptions, time);

        var values = new Dictionary<string, string?>
        {
            ["BatchApi:BaseUrl"] = simulatorHost.BaseAddress.ToString(),
            ["BatchApi:ApiKey"] = "demo-key",
            ["BatchApi:AttemptTimeout"] = "00:00:02",
            ["BatchApi:MaxRetryAttempts"] = "1",
            ["BatchApi:RetryBaseDelay"] = "00:00:00.010",
            ["Polling:InitialInterval"] = "00:00:05",
            ["Polling:MaxInterval"] = "00:01:00",
            ["Reports:Deadline"] = "02:00:00",
            ["Reports:MaxRetries"] = "3",
            ["Reports:RetryDelay"] = "00:00:05",
            ["Submission:MaxInFlight"] = "90",
            ["Submission:RetryDelay"] = "00:00:05",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging();
        collection.AddSingleton<TimeProvider>(time);
        collection.AddBatchApiClient(configuration);
        collection.AddReportSagaOptions(configuration);
        collection.AddSingleton<ISubmissionLedger, InMemorySubmissionLedger>();
        // A test's own services go first: the saga's registration adds only what is not there yet.
        services?.Invoke(collection);
        collection.AddMassTransitTestHarness(x =>
        {
            x.AddReportSaga();
            x.AddDelayedMessageScheduler();
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.UseReportSagaMessageRetry(); // the service's own
                endpoint.UseInMemoryOutbox(context);
            });
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseDelayedMessageScheduler();
                cfg.ConfigureEndpoints(context);
            });
        });

        var provider = collection.BuildServiceProvider(validateScopes: true);
        var harness = new ReportSagaHarness(provider, simulatorHost, time);
        harness.Bus.TestTimeout = TimeSpan.FromSeconds(30);
        await harness.Bus.Start();
        // The submission gate's worker is a hosted service in the service; the harness hosts nothing, so start it here.
        await provider.GetRequiredService<SubmissionGranter>().StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>The report's saga as stored now (a copy), or null.</summary>
    public async Task<ReportState?> SagaAsync(Guid requestId) => await _provider.GetRequiredService<ILoadSagaRepository<ReportState>>().Load(requestId);

    /// <summary>Publishes a <see cref="RequestReport"/> with the given report name (simulator markers go there).</summary>
    public async Task<Guid> RequestAsync(string reportName = "monthly traffic", long? maxCredits = null, Guid? requestId = null)
    {
        var id = requestId ?? NewId.NextGuid();
        await Bus.Bus.Publish(new RequestReport
        {
            RequestId = id,
            Report = ReportBodies.Monthly(reportName),
            MaxCredits = maxCredits,
            RequestedBy = "tests",
        });
        return id;
    }

    /// <summary>Moves every clock forward in steps, letting messages flow between steps, until the condition holds.</summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, TimeSpan limit, string what)
    {
        var moved = TimeSpan.Zero;
        await SettleAsync();
        while (!condition())
        {
            if (moved >= limit)
                throw new TimeoutException($"Not reached after {limit} of fake time: {what}");
            await AdvanceAsync(step);
            moved += step;
        }
    }

    /// <summary>Moves every clock forward and waits until what became due has been handled.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        var behind = (Time.GetUtcNow() - _fakeStart) - (_realElapsed.Elapsed + _delayAdvanced);
        if (behind > TimeSpan.Zero)
        {
            _delayAdvanced += behind;
            await _delay.Advance(behind);
        }
        await Task.Delay(10); // the delay provider applies the advance on its own loop
        await SettleAsync();
    }

    /// <summary>Advances time until the report ends; returns its one terminal event.</summary>
    public async Task<object> RunToEndAsync(Guid requestId, TimeSpan? limit = null, TimeSpan? step = null)
    {
        await AdvanceUntilAsync(() => TerminalEvents(requestId).Count > 0, step ?? TimeSpan.FromSeconds(5), limit ?? TimeSpan.FromHours(3), $"report {requestId} ended");
        await SettleAsync();
        return TerminalEvents(requestId).Single();
    }

    /// <summary>Waits until the bus and the submission gate have handled everything due at the current (fake) time.</summary>
    public async Task SettleAsync()
    {
        var gate = _provider.GetRequiredService<SubmissionGateSignal>();
        while (true)
        {
            await _activity.SettleAsync(TimeSpan.FromSeconds(60));
            if (!gate.Busy)
                return;
            // A grant pass may send grants: wait for it, then for what they set off.
            while (gate.Busy)
                await Task.Delay(5);
        }
    }

    public IReadOnlyList<T> Published<T>(Guid requestId, Func<T, Guid> id)
        where T : class =>
        Bus.Published.Select<T>().Select(m => m.Context.Message).Where(m => id(m) == requestId).ToList();

    public IReadOnlyList<object> TerminalEvents(Guid requestId) =>
        [.. Published<ReportCompleted>(requestId, m => m.RequestId), .. Published<ReportFailed>(requestId, m => m.RequestId)];

    public ReportFailed Failed(Guid requestId) => Published<ReportFailed>(requestId, m => m.RequestId).Single();

    public ReportCompleted Completed(Guid requestId) => Published<ReportCompleted>(requestId, m => m.RequestId).Single();

    public int Calls(SimulatorEndpoint endpoint) => Simulator.State.CallCount(endpoint);

    public bool AnyFaults() => Bus.Published.Select<Fault>().Any();

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<SubmissionGranter>().StopAsync(CancellationToken.None);
        await Bus.Stop();
        await _provider.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Valid Batch API bodies for tests.</summary>
public static class ReportBodies
{
    public static JsonElement Monthly(string reportName, string domains = "[\"amazon.com\", \"ebay.com\"]") =>
        JsonDocument.Parse($$"""
        {
          "report_name": {{JsonValue.Create(reportName).ToJsonString()}},
          "delivery_information": { "response_format": "csv", "delivery_method": "download_link", "delivery_method_params": { "retention_days": 30 } },
          "report_query": {
            "tables": [
              {
                "vtable": "traffic_and_engagement",
                "granularity": "monthly",
                "filters": { "domains": {{domains}}, "countries": ["WW", "US"], "include_subdomains": true },
                "metrics": ["all_traffic_visits", "desktop_visits"],
                "start_date": "2024-01",
                "end_date": "2024-03"
              }
            ]
          },
          "custom_field_kept": { "nested": [1, 2, 3] }
        }
        """).RootElement.Clone();
}
