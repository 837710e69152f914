using Microsoft.OpenApi;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.OperatorApi.ErrorQueues;
using ReportSaga.Service.OperatorConsole;
using Scalar.AspNetCore;

namespace ReportSaga.Service.OperatorApi;

/// <summary>
/// The operator console's HTTP side: the report, gate and error-queue API (behind the operator surface's keys and rate
/// limit), its OpenAPI document (<c>/openapi/v1.json</c>) with a browsable reference (<c>/scalar</c>), and the web page
/// at <c>/</c>. The document, the reference and the page's files hold no data and are served to anyone; everything they
/// show comes from the API, which asks for a key.
/// </summary>
public static class OperatorApiRegistration
{
    public const string OpenApiPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";

    /// <summary>Reads <c>Telemetry__TraceUrlTemplate</c> (throws <see cref="InvalidSettingException"/>) and registers the services.</summary>
    public static void AddOperatorApi(this WebApplicationBuilder builder, ServiceParts parts)
    {
        builder.Services.AddSingleton(TraceLinks.From(builder.Configuration));
        if (parts.RabbitMq is null)
            builder.Services.AddSingleton<IErrorQueues, InMemoryBusErrorQueues>();
        else
            builder.Services.AddSingleton<IErrorQueues, RabbitMqErrorQueues>();

        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "ReportSaga operator API",
                Version = "v1",
                Description = "Find any report, read its history, cancel it; watch the submission gate; read and redrive the " +
                    "error queues. Every endpoint but /health/* needs a key from Http__ApiKeys: Authorization: Bearer <key> " +
                    "or X-Api-Key: <key> (without keys, outside Production, loopback callers only).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An operator key from Http__ApiKeys.",
            };
            return Task.CompletedTask;
        }));
    }

    public static WebApplication MapOperatorApi(this WebApplication app)
    {
        app.MapReportApiEndpoints();
        app.MapErrorQueueEndpoints();
        app.MapOpenApi(OpenApiPath).AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("ReportSaga operator API")
            .WithOpenApiRoutePattern(OpenApiPath)
            .DisableDefaultFonts()
            .AddPreferredSecuritySchemes("bearer"))
            .AllowAnonymous();
        app.MapOperatorConsole();
        return app;
    }
}
