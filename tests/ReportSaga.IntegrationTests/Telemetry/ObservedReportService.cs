using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Simulator;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// The whole service as production runs it (RabbitMQ, PostgreSQL, the Batch API over HTTP: here the simulator on
/// its own port), exporting traces and logs to a real OTLP receiver by the OTEL_* settings alone. Beside it, a
/// second service of the tests' own on the same broker publishes <c>RequestReport</c> and subscribes to the
/// terminal events. Every login the service uses has a password of its own (see <see cref="DistinctiveLogins"/>).
/// Stop the service (<see cref="StopServiceAsync"/>) before reading telemetry: its exporters flush when it stops.
/// </summary>
public sealed class ObservedReportService : IAsyncDisposable
{
    /// <summary>The publishing service's own ActivitySource; its spans are exported under <see cref="PublisherServiceName"/>.</summary>
    private static readonly ActivitySource PublisherSource = new("ReportSaga.IntegrationTests.Publisher");

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly OtlpReceiverFixture _receiver;
    private WebApplicationFactory<Program>? _service;
    private RunningBus? _publisher;
    private SimulatorHost? _simulator;
    private DistinctiveLogins? _logins;
    private TestInfrastructure? _infrastructure;

    private ObservedReportService(OtlpReceiverFixture receiver)
    {
        _receiver = receiver;
        var suffix = Guid.NewGuid().ToString("N")[..12];
        ServiceName = $"report-saga-{suffix}";
        PublisherServiceName = $"report-publisher-{suffix}";
        ApiKey = $"batch-api-key-{Guid.NewGuid():N}";
    }

    /// <summary>The service's <c>service.name</c> in exported telemetry.</summary>
    public string ServiceName { get; }

    /// <summary>The publishing service's <c>service.name</c>.</summary>
    public string PublisherServiceName { get; }

    /// <summary>The Batch API key: the simulator accepts only this one.</summary>
    public string ApiKey { get; }

    public DistinctiveLogins Logins => _logins!;

    public SimulatorHost Simulator => _simulator!;

    public ReportOutcomes Outcomes => _publisher!.Get<ReportOutcomes>();

    /// <param name="logLevel">The service's minimum log level (every record at or above it is exported).</param>
    /// <param name="extraSettings">More service settings, e.g. <c>Submission:MaxInFlight</c>.</param>
    public static async Task<ObservedReportService> StartAsync(
        OtlpReceiverFixture receiver, InfrastructureFixture infrastructure, string logLevel = "Information",
        IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var observed = new ObservedReportService(receiver);
        try
        {
            await observed.StartAsync(infrastructure, logLevel, extraSettings);
            return observed;
        }
        catch
        {
            await observed.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(InfrastructureFixture infrastructure, string logLevel, IReadOnlyDictionary<string, string?>? extraSettings)
    {
        // A virtual host and database of its own: a service stopped mid-way by an earlier test leaves messages and rows.
        _infrastructure = await infrastructure.CreateIsolatedAsync();
        _logins = await DistinctiveLogins.CreateAsync(_infrastructure);
        // Long enough for a few polls per provider run (pending, processing, …) with the short intervals below.
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ApiKeys = ApiKey, ProcessingTime = TimeSpan.FromSeconds(2) });

        var settings = new Dictionary<string, string?>(_receiver.ExporterSettings(ServiceName))
        {
            ["ConnectionStrings:RabbitMq"] = _logins.RabbitMqUri.ToString(),
            ["ConnectionStrings:Postgres"] = _logins.PostgresConnectionString,
            ["BatchApi:BaseUrl"] = _simulator.BaseAddress.ToString(),
            ["BatchApi:ApiKey"] = ApiKey,
            ["Polling:InitialInterval"] = "00:00:01",
            ["Polling:MaxInterval"] = "00:00:02",
            ["Reports:RetryDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = logLevel,
            // The shipped appsettings.json keeps these at Warning: turned up as an operator would, so every line counts.
            ["Logging:LogLevel:Microsoft"] = logLevel,
            ["Logging:LogLevel:Microsoft.AspNetCore"] = logLevel,
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = logLevel,
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = logLevel,
            ["Logging:LogLevel:Polly"] = logLevel,
            ["Logging:LogLevel:Microsoft.Extensions.Http.Resilience"] = logLevel,
            ["Logging:LogLevel:Microsoft.Extensions.Resilience"] = logLevel,
            ["Logging:LogLevel:MassTransit"] = logLevel,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            settings[key] = value;

        // AddServiceDefaults and the host's wiring read their settings while Program runs: host settings reach them.
        _service = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
                web.UseSetting(key, value);
        });
        await WaitUntilReadyAsync(_service);

        var subscriberQueue = $"telemetry-subscriber-{Guid.NewGuid():N}";
        _publisher = await RunningBus.StartAsync(_logins.RabbitMqUri,
            (services, x) =>
            {
                services.AddSingleton<ReportOutcomes>();
                x.AddConsumer<ReportOutcomeConsumer>();
            },
            (context, bus) => bus.ReceiveEndpoint(subscriberQueue, e =>
            {
                e.AutoDelete = true;
                e.ConfigureConsumer<ReportOutcomeConsumer>(context);
            }));
    }

    /// <summary>
    /// Publishes <paramref name="request"/> inside a span of the publishing service (exported to the receiver), so the
    /// message carries that span as its trace parent. Returns the span's trace id.
    /// </summary>
    public async Task<string> PublishWithTraceParentAsync(RequestReport request)
    {
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(PublisherServiceName))
            .AddSource(PublisherSource.Name)
            .AddOtlpExporter(options =>
            {
                options.Endpoint = _receiver.OtlpEndpoint;
                options.Protocol = OtlpExportProtocol.Grpc;
            })
            .Build();

        Activity.Current = null;
        string traceId;
        using (var span = PublisherSource.StartActivity("request report", ActivityKind.Internal))
        {
            Assert.NotNull(span);
            traceId = span.TraceId.ToHexString();
            await _publisher!.Bus.Publish(request);
        }

        tracing.ForceFlush();
        return traceId;
    }

    /// <summary>Publishes the way a service without tracing (or in another language) does: plain JSON, no trace header.</summary>
    public async Task PublishWithoutTraceParentAsync(Guid requestId, JsonElement report)
    {
        Activity.Current = null;
        var json = JsonSerializer.Serialize(new { requestId, report });
        await PlainJsonPublisher.PublishAsync(Logins.RabbitMqUri, "ReportSaga.Contracts:RequestReport", json);
    }

    /// <summary>
    /// Has the running service export the spans it has ended until <paramref name="isComplete"/> holds or
    /// <paramref name="limit"/> passes (then the caller's assertions say what is missing). Stopping the service while
    /// it still handles the report's last messages would cut their spans off; this waits for them instead.
    /// </summary>
    public async Task FlushSpansUntilAsync(Func<Task<bool>> isComplete, TimeSpan limit)
    {
        var tracing = _service!.Services.GetRequiredService<TracerProvider>();
        var deadline = DateTime.UtcNow + limit;
        do
        {
            tracing.ForceFlush();
            if (await isComplete())
                return;
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
        while (DateTime.UtcNow < deadline);
    }

    /// <summary>Stops the service; its exporters send what they hold. Safe to call more than once.</summary>
    public async Task StopServiceAsync()
    {
        if (_service is { } service)
        {
            _service = null;
            await service.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
            await _publisher.DisposeAsync();
        await StopServiceAsync();
        if (_simulator is not null)
            await _simulator.DisposeAsync();
        if (_logins is not null)
            await _logins.DisposeAsync();
        if (_infrastructure is not null)
            await _infrastructure.DisposeAsync();
    }

    /// <summary>A Batch API report body: one small monthly table; <paramref name="reportName"/> carries simulator markers.</summary>
    public static JsonElement ReportBody(string reportName) => JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        ["report_name"] = reportName,
        ["delivery_information"] = new Dictionary<string, object> { ["response_format"] = "csv", ["delivery_method"] = "download_link" },
        ["report_query"] = new Dictionary<string, object>
        {
            ["tables"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["vtable"] = "traffic_and_engagement",
                    ["granularity"] = "monthly",
                    ["filters"] = new Dictionary<string, object> { ["domains"] = new[] { "example.com" }, ["countries"] = new[] { "WW" } },
                    ["metrics"] = new[] { "all_traffic_visits" },
                    ["start_date"] = "2024-01",
                    ["end_date"] = "2024-03",
                },
            },
        },
    });

    /// <summary>Starting the host starts the bus in the background: wait until /health/ready says it (and the database) are up.</summary>
    private static async Task WaitUntilReadyAsync(WebApplicationFactory<Program> service)
    {
        using var http = service.CreateClient();
        var deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The service was not ready within {StartLimit}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
