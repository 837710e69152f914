using System.Globalization;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using ReportSaga.Orchestration.Options;
using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.Defaults;

/// <summary>
/// The opt-in Prometheus scrape endpoint: with <c>Telemetry__PrometheusPort</c> set, the service also listens on that
/// port and serves its metrics at <c>GET /metrics</c> there, and nothing else. A port of its own, because scraping
/// carries no operator key: the endpoint is answered before authentication and rate limiting, and only on that port,
/// so it opens nothing of the operator API, and a NetworkPolicy can let only Prometheus reach it. Off by default:
/// metrics go over OTLP.
/// </summary>
public static class PrometheusScrapeEndpoint
{
    /// <summary>The setting: a TCP port, 1 to 65535.</summary>
    public const string PortKey = "Telemetry:PrometheusPort";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// Reads <see cref="PortKey"/> and, when set, adds the port to the addresses the server listens on, the exporter to
    /// the metrics pipeline and the endpoint in front of every other middleware. Throws <see cref="OptionsValidationException"/>
    /// on a value that is not a port.
    /// </summary>
    public static void AddPrometheusScrapeEndpoint(this WebApplicationBuilder builder)
    {
        if (ReadPort(builder.Configuration) is not { } port)
            return;

        builder.WebHost.UseUrls([.. ListenAddresses(builder.WebHost), $"http://+:{port.ToString(CultureInfo.InvariantCulture)}"]);
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddPrometheusExporter());
        builder.Services.AddSingleton<IStartupFilter>(new ServeOnItsPort(port));
    }

    /// <summary>True for a request to the scrape port <paramref name="port"/> (left out of traces: a scrape every few seconds is not news).</summary>
    public static bool IsScrape(HttpContext context, int? port) =>
        port is { } scrapePort && context.Connection.LocalPort == scrapePort;

    /// <summary>The port (<see cref="PrometheusScrapeOptions"/>, bound and checked), or null when the setting is absent.</summary>
    public static int? ReadPort(IConfiguration configuration) =>
        configuration.GetSection(PrometheusScrapeOptions.SectionName).ReadSettings(new PrometheusScrapeOptionsValidator()).PrometheusPort;

    /// <summary>
    /// What the server would listen on without the scrape port: <c>--urls</c>/<c>ASPNETCORE_URLS</c>, else
    /// <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, else Kestrel's own default. Setting the addresses replaces
    /// those, so they are carried over.
    /// </summary>
    private static IEnumerable<string> ListenAddresses(IWebHostBuilder webHost)
    {
        var urls = Split(webHost.GetSetting(WebHostDefaults.ServerUrlsKey)).ToList();
        if (urls.Count > 0)
            return urls;
        var ports = Split(webHost.GetSetting(WebHostDefaults.HttpPortsKey)).Select(p => $"http://*:{p}")
            .Concat(Split(webHost.GetSetting(WebHostDefaults.HttpsPortsKey)).Select(p => $"https://*:{p}")).ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>First in the pipeline: on the scrape port, /metrics is answered by the exporter and anything else is 404.</summary>
    private sealed class ServeOnItsPort(int port) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path == Path);
            app.Use((context, nextMiddleware) =>
            {
                if (context.Connection.LocalPort != port)
                    return nextMiddleware(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            next(app);
        };
    }
}
