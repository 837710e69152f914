using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using ReportSaga.Service.Defaults;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// A host with the service defaults (logs at Trace level, every span exported) calls a loopback server the way
/// the Batch API client does: an <c>api-key</c> header, and a URL whose query carries a signature.
/// Neither value may reach an exported span or log.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class When_an_http_call_carries_an_api_key_and_a_signed_query : IAsyncLifetime
{
    private const string ApiKey = "test-api-key-5c7e0d91";
    private const string Signature = "test-signature-a83f42b6";
    private const string ClientName = "batch-api-under-test";

    private readonly List<Activity> _spans = [];
    private readonly List<LogSnapshot> _logs = [];
    private LoopbackServer _server = null!;
    private IHost _host = null!;
    private HttpResponseMessage _response = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.AddServiceDefaults();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        // Every category at Trace, as an operator turning them all up would: the shipped appsettings.json (copied
        // next to the tests) keeps HttpClient and Polly at Warning, and these tests look for secrets in their lines.
        builder.Services.PostConfigure<LoggerFilterOptions>(options => options.Rules.Clear());
        builder.Logging.AddOpenTelemetry(options => options.AddProcessor(new SimpleLogRecordExportProcessor(new LogSnapshotExporter(_logs))));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
        builder.Services.AddHttpClient(ClientName, client =>
        {
            client.BaseAddress = _server.BaseAddress;
            client.DefaultRequestHeaders.Add("api-key", ApiKey);
        });

        _host = builder.Build();
        await _host.StartAsync();

        var client = _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
        _response = await client.GetAsync($"/downloads/report.csv?signature={Signature}&expires=1735689600");

        // Stopping the server lets its request finish, so no span is still being exported while tests read the list.
        await _server.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public void The_call_really_carried_both_secrets()
    {
        Assert.True(_response.IsSuccessStatusCode);
        Assert.Equal(ApiKey, _server.ReceivedHeaders["api-key"]);
    }

    [Fact]
    public void The_client_span_is_exported_with_its_url_but_no_query()
    {
        var clientSpan = Assert.Single(_spans, span => span.Kind == ActivityKind.Client);
        Assert.Equal(new Uri(_server.BaseAddress, "/downloads/report.csv").ToString(), clientSpan.GetTagItem("url.full"));
    }

    [Fact]
    public void No_request_or_response_header_is_recorded_on_spans()
    {
        var headerTags = _spans.SelectMany(span => span.TagObjects).Where(tag => tag.Key.Contains("header", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(headerTags);
    }

    [Fact]
    public void No_exported_span_contains_the_key_or_the_signature()
    {
        Assert.NotEmpty(_spans);
        var texts = _spans.SelectMany(SpanTexts).ToList();
        Assert.DoesNotContain(texts, text => text.Contains(ApiKey) || text.Contains(Signature));
    }

    [Fact]
    public void HttpClient_logs_are_exported_and_none_contains_the_key_or_the_signature()
    {
        List<LogSnapshot> logs;
        lock (_logs)
        {
            logs = [.. _logs];
        }

        // The HttpClient factory's own logs (request start, headers at Trace level) are there, so their absence of
        // secrets is a real finding, not an empty list.
        Assert.Contains(logs, log => log.Category?.StartsWith($"System.Net.Http.HttpClient.{ClientName}", StringComparison.Ordinal) == true);
        var texts = logs.SelectMany(log => log.AllText()).ToList();
        Assert.DoesNotContain(texts, text => text.Contains(ApiKey) || text.Contains(Signature));
    }

    private static IEnumerable<string> SpanTexts(Activity span) =>
        new[] { span.DisplayName, span.OperationName, span.StatusDescription ?? "" }
            .Concat(span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(tag => $"{e.Name} {tag.Key}={tag.Value}")))
            .Concat(span.Baggage.Select(item => $"{item.Key}={item.Value}"));
}
