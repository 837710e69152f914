using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Orchestration;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Telemetry;
using ReportSaga.Service.Messaging;
using ReportSaga.Simulator;

namespace ReportSaga.Service.Hosting;

/// <summary>
/// Puts the service together on a builder: settings, the embedded simulator when no Batch API is configured,
/// the Batch API client, the saga's settings, storage and the bus. Shared by the service and the demo.
/// </summary>
public static class ReportSagaHost
{
    /// <summary>The key the embedded simulator accepts, and the client sends, when no real Batch API is configured.</summary>
    public const string EmbeddedApiKey = "demo-key";

    /// <summary>Configures <paramref name="builder"/>; returns the parts in use. Throws <see cref="InvalidSettingException"/> on a bad setting.</summary>
    public static async Task<ServiceParts> ConfigureAsync(
        WebApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureBus = null, CancellationToken cancellationToken = default)
    {
        var parts = ServiceParts.From(builder.Configuration, IsProductionRequested(builder));

        if (parts.UsesEmbeddedSimulator)
        {
            // The simulator runs on its own loopback port, so the client talks real HTTP to it exactly as it would
            // to the provider. The container disposes it with the host.
            var simulatorOptions = builder.Configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();
            simulatorOptions.ApiKeys = EmbeddedApiKey;
            var simulator = await StartOutsideTheEntryPointFlow(
                () => SimulatorHost.StartAsync(simulatorOptions, time: null, url: "http://127.0.0.1:0", cancellationToken));
            builder.Services.AddSingleton(simulator);
            builder.Configuration[ServiceParts.BatchApiBaseUrlKey] = simulator.BaseAddress.ToString();
            builder.Configuration[ServiceParts.BatchApiKeyKey] = EmbeddedApiKey;
        }

        builder.Services.AddSingleton<ServiceExit>();
        builder.Services.AddBatchApiClient(builder.Configuration);
        builder.Services.AddReportSagaOptions(builder.Configuration);
        var storage = builder.Services.AddReportSagaPersistence(builder.Configuration);
        builder.Services.AddReportGauges(builder.Configuration);
        builder.Services.AddReportSagaBus(builder.Configuration, parts, configureBus);
        parts = parts with { StorageDescription = storage.Description };
        builder.Services.AddSingleton(parts);
        return parts;
    }

    /// <summary>
    /// Whether the strict Production rules apply (no embedded fallback, required secrets). Only where Production is
    /// asked for (the container image sets it): ASP.NET also calls an unnamed environment Production, and a
    /// newcomer's `dotnet run` must fall back to the embedded defaults.
    /// </summary>
    public static bool IsProductionRequested(IHostApplicationBuilder builder) =>
        builder.Environment.IsProduction() && !string.IsNullOrEmpty(builder.Configuration[HostDefaults.EnvironmentKey]);

    /// <summary>
    /// Builds a host of our own without the entry point's execution context. Tools that host the service
    /// (WebApplicationFactory, dotnet-ef) take the first host built in that context for the service: the
    /// embedded simulator, built first, would otherwise be taken and the service's own routes answer 404.
    /// </summary>
    private static Task<T> StartOutsideTheEntryPointFlow<T>(Func<Task<T>> start)
    {
        using (ExecutionContext.SuppressFlow())
            return Task.Run(start);
    }
}
