using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>
/// Part of liveness: unhealthy while a receive endpoint is wedged (see <see cref="StuckEndpointWatchdog"/>), so an
/// orchestrator that probes liveness restarts the process even before the watchdog has ended it.
/// </summary>
public sealed class ReceiveEndpointsHealthCheck(ReceiveEndpointActivity activity) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stuck = activity.Wedged;
        var (consuming, watched) = activity.Count();
        return Task.FromResult(stuck.Count == 0
            // Not consuming during a broker outage is not a reason to restart: readiness reports that.
            ? HealthCheckResult.Healthy($"{consuming} of {watched} receive endpoints consuming, none wedged")
            : HealthCheckResult.Unhealthy(
                "Wedged (not consuming although the broker answers): " +
                string.Join(", ", stuck.Select(s => $"{QueueName(s.Endpoint)} (silent for {s.SilentFor:g})"))));
    }

    /// <summary>The queue alone: the virtual host before it is the broker's business, not a public probe's.</summary>
    private static string QueueName(Uri endpoint)
    {
        var segments = endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 0 ? endpoint.AbsolutePath : segments[^1];
    }
}
