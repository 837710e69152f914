using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using ReportSaga.BatchApi;
using ReportSaga.Service.Defaults;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// The real Batch API client, under the service defaults with every span and every log (Trace level) exported,
/// runs one report against the simulator: validate, submit, status until completed (which returns a signed
/// download URL). Neither the key nor the URL's signature may reach an exported span or log.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class When_the_batch_api_client_calls_the_simulator_under_the_service_defaults : IAsyncLifetime
{
    private const string ApiKey = "simulator-key-91d4c0e7";

    private static readonly JsonElement Report = JsonDocument.Parse("""
        {
          "delivery_information": { "response_format": "csv", "delivery_method": "download_link" },
          "report_query": { "tables": [ {
            "vtable": "traffic_and_engagement", "granularity": "monthly",
            "filters": { "domains": ["example.com"], "countries": ["WW"] },
            "metrics": ["all_traffic_visits"], "start_date": "2024-01", "end_date": "2024-03" } ] }
        }
        """).RootElement;

    private readonly List<Activity> _spans = [];
    private readonly List<LogSnapshot> _logs = [];
    private SimulatorHost _simulator = null!;
    private IHost _host = null!;
    private ReportStatusResult _completed = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ApiKeys = ApiKey, ProcessingTime = TimeSpan.Zero });

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.AddServiceDefaults();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        // Every category at Trace, as an operator turning them all up would: the shipped appsettings.json (copied
        // next to the tests) keeps HttpClient and Polly at Warning, and these tests look for secrets in their lines.
        builder.Services.PostConfigure<LoggerFilterOptions>(options => options.Rules.Clear());
        builder.Logging.AddOpenTelemetry(options => options.AddProcessor(new SimpleLogRecordExportProcessor(new LogSnapshotExporter(_logs))));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
        builder.Services.AddBatchApiClient(options =>
        {
            options.BaseUrl = _simulator.BaseAddress;
            options.ApiKey = ApiKey;
        });
        _host = builder.Build();
        await _host.StartAsync();

        var client = _host.Services.GetRequiredService<IBatchApiClient>();
        Assert.True((await client.ValidateAsync(Report)).IsSuccess);
        var submitted = await client.RequestReportAsync(Report);
        Assert.True(submitted.IsSuccess, string.Join("; ", submitted.Errors));
        for (var check = 0; check < 20; check++)
        {
            var status = await client.GetStatusAsync(submitted.Value!.ReportId);
            if (status.Value?.Status == ProviderStatuses.Completed)
            {
                _completed = status.Value;
                break;
            }
        }

        await _simulator.DisposeAsync(); // let the simulator's last request finish before the span list is read
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public void The_report_completed_with_a_signed_download_url()
    {
        Assert.NotNull(_completed);
        Assert.Contains("signature=", _completed.DownloadUrl);
    }

    [Fact]
    public void Every_call_is_a_client_span_and_none_carries_the_key_or_the_signature()
    {
        var calls = _spans.Where(span => span.Kind == ActivityKind.Client).ToList();
        Assert.True(calls.Count >= 3, $"expected validate, submit and status calls, found {calls.Count} client spans");

        var secrets = new[] { ApiKey, Signature() };
        var texts = _spans.SelectMany(span => span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}").Append(span.DisplayName).Append(span.StatusDescription ?? ""));
        Assert.DoesNotContain(texts, text => secrets.Any(text.Contains));
    }

    [Fact]
    public void The_clients_logs_are_exported_and_none_carries_the_key_or_the_signature()
    {
        List<LogSnapshot> logs;
        lock (_logs)
        {
            logs = [.. _logs];
        }

        Assert.Contains(logs, log => log.Category?.StartsWith("System.Net.Http.HttpClient.", StringComparison.Ordinal) == true);
        var secrets = new[] { ApiKey, Signature() };
        Assert.DoesNotContain(logs.SelectMany(log => log.AllText()), text => secrets.Any(text.Contains));
    }

    private string Signature() => _completed.DownloadUrl!.Split("signature=")[1].Split('&')[0];
}
