using ReportSaga.BatchApi;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Submissions;
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
    public static async Task<ServiceParts> ConfigureAsync(WebApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        var parts = ServiceParts.From(builder.Configuration, builder.Environment.IsProduction());

        if (parts.UsesEmbeddedSimulator)
        {
            // The simulator runs on its own loopback port, so the client talks real HTTP to it exactly as it would
            // to the provider. The container disposes it with the host.
            var simulatorOptions = builder.Configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();
            simulatorOptions.ApiKeys = EmbeddedApiKey;
            var simulator = await SimulatorHost.StartAsync(simulatorOptions, time: null, url: "http://127.0.0.1:0", cancellationToken);
            builder.Services.AddSingleton(simulator);
            builder.Configuration[ServiceParts.BatchApiBaseUrlKey] = simulator.BaseAddress.ToString();
            builder.Configuration[ServiceParts.BatchApiKeyKey] = EmbeddedApiKey;
        }

        builder.Services.AddBatchApiClient(builder.Configuration);
        builder.Services.AddReportSagaOptions(builder.Configuration);
        builder.Services.AddSingleton<ISubmissionLedger, InMemorySubmissionLedger>();
        builder.Services.AddReportSagaBus(builder.Configuration, parts);
        builder.Services.AddSingleton(parts);
        return parts;
    }
}
