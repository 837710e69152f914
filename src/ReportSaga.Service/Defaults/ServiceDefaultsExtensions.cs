using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Service.Defaults;

/// <summary>
/// What every ReportSaga host gets for operators: structured console logs with trace ids, OpenTelemetry traces,
/// metrics and logs (exported over OTLP only when an endpoint is configured), and the health endpoints.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The service name in traces and metrics when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "report-saga";

    /// <summary>MassTransit's ActivitySource and Meter name.</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>
    /// Adds logging, OpenTelemetry and health checks. Settings honoured (environment or appsettings):
    /// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (no export without it),
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (grpc or http/protobuf), <c>OTEL_SDK_DISABLED</c>, and the other
    /// <c>OTEL_*</c> variables as OpenTelemetry defines them; <c>Telemetry__PrometheusPort</c> for a scrape endpoint
    /// (<see cref="PrometheusScrapeEndpoint"/>).
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ReadShippedSettingsWhereverStarted();
        builder.ConfigureConsoleLogging();
        builder.ConfigureOpenTelemetry();
        if (builder is WebApplicationBuilder web)
            web.AddPrometheusScrapeEndpoint(); // only with Telemetry__PrometheusPort
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c> (checks tagged <c>live</c>: none but a wedged receive endpoint) and <c>/health/ready</c> (checks tagged
    /// <c>ready</c>: the bus, registered by AddMassTransit, and the database, registered by persistence). Both are open
    /// to anonymous callers (orchestrators' probes carry no key) and are not rate limited.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpoints.Live, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthEndpoints.LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks(HealthEndpoints.Ready, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthEndpoints.ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The appsettings.json shipped next to the binary, as the lowest-priority source. The host reads appsettings.json
    /// from the content root, which is the working directory: started from anywhere but its own folder (the image's
    /// WORKDIR is that folder, a systemd unit's may not be), the service would lose the shipped log levels and write
    /// every SQL command. Everything else (the content root's own files, environment, command line) still overrides it.
    /// </summary>
    private static void ReadShippedSettingsWhereverStarted(this IHostApplicationBuilder builder)
    {
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")))
            return;
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
    }

    private static void ConfigureConsoleLogging(this IHostApplicationBuilder builder)
    {
        // Trace and span ids become a logging scope, so each console line can be matched to its trace.
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        if (builder.Environment.IsProduction())
        {
            // One JSON object per line, scopes included: what log collectors parse without configuration.
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.IncludeScopes = true;
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
                options.ColorBehavior = LoggerColorBehavior.Default;
            });
        }
    }

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"];
        if (string.IsNullOrWhiteSpace(serviceName))
        {
            serviceName = DefaultServiceName;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var scrapePort = PrometheusScrapeEndpoint.ReadPort(builder.Configuration);
        // OTEL_SDK_DISABLED is honoured by the SDK itself: the providers below then record nothing.
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                // First, so no exporter added later sees a span before its URLs are cleaned.
                .AddProcessor(new UrlQueryRedactionProcessor())
                .AddSource(MassTransitSource, ReportSagaTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !context.Request.Path.StartsWithSegments(HealthEndpoints.Prefix)
                        && !PrometheusScrapeEndpoint.IsScrape(context, scrapePort))
                // Request and response headers are not recorded unless asked for; the api-key header stays out.
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(MassTransitSource, ReportSagaTelemetry.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                // The runtime's own meter (GC, thread pool, exceptions) needs no package on .NET 9+.
                .AddMeter("System.Runtime"));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, … for traces, metrics and logs.
            otel.UseOtlpExporter();
        }
    }
}
