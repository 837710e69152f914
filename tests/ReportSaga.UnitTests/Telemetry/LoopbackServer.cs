using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>
/// A tiny HTTP server on a free loopback port that answers 200 to any GET and remembers the headers it received,
/// standing in for the Batch API (and its signed download links).
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The value of every header received, by header name.</summary>
    public ConcurrentDictionary<string, string> ReceivedHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.MapGet("/{**path}", (HttpContext context) =>
        {
            foreach (var header in context.Request.Headers)
            {
                server.ReceivedHeaders[header.Key] = header.Value.ToString();
            }

            return Results.Text("{\"status\":\"pending\"}", "application/json");
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single());
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
