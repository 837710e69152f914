using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReportSaga.Simulator;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the simulator's endpoints into any WebApplication (after <c>AddBatchApiSimulator</c>).</summary>
public static class SimulatorEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps validate, request-report, status, retry, credits and the download route, at the paths in
    /// <see cref="SimulatorOptions"/>, below <paramref name="prefix"/> (e.g. "/simulator"; empty for none).
    /// </summary>
    public static RouteGroupBuilder MapBatchApiSimulator(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var state = endpoints.ServiceProvider.GetRequiredService<SimulatorState>();
        var lifetime = endpoints.ServiceProvider.GetService<IHostApplicationLifetime>();
        var normalizedPrefix = string.IsNullOrEmpty(prefix) ? "" : "/" + prefix.Trim('/');
        var handlers = new SimulatorHandlers(state, lifetime, normalizedPrefix);
        var options = state.Options;

        var group = endpoints.MapGroup(normalizedPrefix);
        group.MapPost(options.ValidatePath, new RequestDelegate(handlers.Validate));
        group.MapPost(options.RequestReportPath, new RequestDelegate(handlers.RequestReport));
        group.MapGet(options.StatusPath, new RequestDelegate(handlers.Status));
        group.MapPost(options.RetryPath, new RequestDelegate(handlers.Retry));
        group.MapGet(options.CreditsPath, new RequestDelegate(handlers.Credits));
        group.MapGet(options.DownloadPath, new RequestDelegate(handlers.Download));
        return group;
    }
}
