using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>
/// An OTLP/HTTP endpoint on a free loopback port that keeps every metric it receives (<c>POST /v1/metrics</c>, protobuf,
/// read by <see cref="OtlpMetricsProtobuf"/>) and accepts traces and logs without keeping them. The Aspire dashboard
/// the other telemetry tests use has no metrics API; this reads what the service's real OTLP exporter sends.
/// </summary>
public sealed class OtlpMetricsReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpMetricsProtobuf.ExportedMetric> _metrics = new();
    private int _exports;

    private OtlpMetricsReceiver(WebApplication app) => _app = app;

    /// <summary>The base address exporters are given (they append /v1/metrics, /v1/traces, /v1/logs).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many exports (<c>POST /v1/metrics</c>) arrived, for failure messages.</summary>
    public int Exports => Volatile.Read(ref _exports);

    /// <summary>Every metric of every export received so far.</summary>
    public IReadOnlyList<OtlpMetricsProtobuf.ExportedMetric> Metrics => _metrics.ToArray();

    public static async Task<OtlpMetricsReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpMetricsReceiver(app);
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref receiver._exports);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var metric in OtlpMetricsProtobuf.Read(body.ToArray()))
                receiver._metrics.Enqueue(metric);
            return Results.Bytes([], "application/x-protobuf"); // an empty ExportMetricsServiceResponse: all accepted
        });
        app.MapPost("/v1/traces", () => Results.Bytes([], "application/x-protobuf"));
        app.MapPost("/v1/logs", () => Results.Bytes([], "application/x-protobuf"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
