using MassTransit;
using ReportSaga.Orchestration.Consumers;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.Service.Messaging;

/// <summary>
/// How a message whose consume failed is tried again in place, before it would go to its <c>_error</c> queue. It
/// sits outside the outbox, so each attempt starts from fresh state and a failed attempt's messages are discarded.
/// </summary>
public static class MessageRetry
{
    /// <summary>
    /// Two retries that never handle the same exception, so neither counts the other's attempts:
    /// <list type="bullet">
    /// <item>the database cannot be reached (<see cref="StorageErrors.IsUnavailable"/>: a restart, a failover, the
    /// network): retried for about five minutes, backing off to 30 s, so such an outage leaves nothing to replay;</item>
    /// <item>anything else but a request that can never be tied to a report (a concurrency conflict, a lost race, a
    /// transient fault): 8 quick attempts over about 10 s.</item>
    /// </list>
    /// The service's endpoints and the persistence tests' hosts all run this one policy. <paramref name="neverRetried"/>
    /// names more failures that go straight to the error queue: the service has none; a test's simulated crash stands
    /// for a process that died, whose message the test delivers again itself.
    /// </summary>
    public static void UseReportSagaMessageRetry(this IReceiveEndpointConfigurator endpoint, Func<Exception, bool>? neverRetried = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.UseMessageRetry(r =>
        {
            r.Exponential(StorageOutage.Attempts, StorageOutage.FirstDelay, StorageOutage.LongestDelay, StorageOutage.FirstDelay);
            r.Handle<Exception>(StorageErrors.IsUnavailable);
        });
        endpoint.UseMessageRetry(r =>
        {
            r.Exponential(8, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
            // A request that cannot be tied to a report never gets better: straight to the error queue.
            r.Ignore<InvalidReportRequestException>();
            if (neverRetried is not null)
                r.Ignore<Exception>(exception => neverRetried(exception));
            // Left to the outer retry above, which waits longer.
            r.Ignore<Exception>(StorageErrors.IsUnavailable);
        });
    }
}
