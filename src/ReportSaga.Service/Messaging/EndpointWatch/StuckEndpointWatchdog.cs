using Microsoft.Extensions.Options;
using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>
/// Ends the process when a receive endpoint has stopped consuming for good, so its supervisor starts a new one.
/// </summary>
/// <remarks>
/// Why: RabbitMQ.Client 7.2.2 disposes a channel's RPC semaphore while other calls still wait on it, and those calls
/// then never return, whatever their timeout (rabbitmq-dotnet-client issue #1976, fixed after 7.2.2 and not yet
/// released). When the broker connection drops while a receive endpoint declares its topology on a new channel, that
/// endpoint waits forever: its queue keeps its messages and has no consumer, while every other endpoint works and the
/// bus reports healthy. MassTransit cannot stop such an endpoint either (stopping waits for it), so a new process is
/// the only cure, and a safe one (see <see cref="ServiceExit"/>). Remove this once a RabbitMQ.Client release has the fix.
/// </remarks>
public sealed class StuckEndpointWatchdog(
    ReceiveEndpointActivity activity, IBrokerProbe broker, IOptions<RabbitMqOptions> options, ServiceExit exit, TimeProvider time,
    ILogger<StuckEndpointWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limit = options.Value.StuckEndpointLimit;
        using var timer = new PeriodicTimer(limit / 6, time);
        // Since when the broker has answered every probe, while some endpoint was not consuming.
        DateTimeOffset? answeringSince = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Not consuming is what every endpoint is while the broker is down, and for up to 30 s after it is
                // back (MassTransit's reconnect delay). Only silence for the limit while the broker answers makes a
                // wedge. The broker is asked itself: when every endpoint is wedged, none consumes to tell, and the
                // bus may not even reconnect.
                var askedAt = time.GetUtcNow();
                var queues = activity.Snapshot().Select(e => ReceiveEndpointActivity.QueueOf(e.Endpoint)).Distinct().ToList();
                var consumerCounts = await broker.ConsumerCountsAsync(queues, stoppingToken);
                if (consumerCounts is not null)
                    activity.Reconcile(consumerCounts, askedAt);
                if (consumerCounts is null || activity.FindSilent(TimeSpan.Zero).Count == 0)
                {
                    answeringSince = null;
                    continue;
                }

                var now = time.GetUtcNow();
                answeringSince ??= now;
                var stuck = now - answeringSince.Value >= limit ? activity.FindSilent(limit) : [];
                if (stuck.Count == 0)
                    continue;

                activity.MarkWedged(stuck);

                foreach (var endpoint in stuck)
                {
                    logger.LogCritical(
                        "Receive endpoint {Endpoint} has not consumed for {SilentFor} (last report: {LastReport}) although the broker " +
                        "answers; it will not recover in this process. Stopping with exit code {ExitCode} so the supervisor starts a " +
                        "new one; no state or message is lost",
                        endpoint.Endpoint.AbsolutePath.TrimStart('/'), endpoint.SilentFor, endpoint.LastReport, ServiceExit.ReceiveEndpointWedged);
                }

                // The graceful stop waits for every endpoint, the wedged ones too, so it never ends by itself: once the
                // others have finished what they hold, there is nothing left to wait for.
                var stopping = time.GetUtcNow();
                var wedged = stuck.Select(s => s.Endpoint).ToList();
                exit.Stop(ServiceExit.ReceiveEndpointWedged, () => activity.AllCompletedSince(stopping, wedged));
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
