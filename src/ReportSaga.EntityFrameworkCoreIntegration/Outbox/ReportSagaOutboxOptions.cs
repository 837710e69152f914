using Microsoft.Extensions.Configuration;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>Options of the transactional outbox and inbox.</summary>
public sealed class ReportSagaOutboxOptions
{
    /// <summary>Add the outbox to every endpoint that <c>ConfigureEndpoints</c> makes (default true).</summary>
    public bool ApplyToAllEndpoints { get; set; } = true;

    /// <summary>How long one send to the broker may take before the delivery gives up and leaves it to the sweep.</summary>
    public TimeSpan MessageDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Workers that send committed consumes' messages as they are handed over (PostgreSQL; SQLite uses one).</summary>
    public int DeliveryConcurrency { get; set; } = 8;

    /// <summary>Consumes waiting for a delivery worker; beyond this, the sweep delivers them.</summary>
    public int HandOverCapacity { get; set; } = 10_000;

    /// <summary>Run the sweep that delivers committed-but-undelivered messages (a crash after the commit, a failed send).</summary>
    public bool RunDeliverySweep { get; set; } = true;

    /// <summary>How often the sweep looks for undelivered messages.</summary>
    public TimeSpan DeliveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after it was consumed (on PostgreSQL: after its consume began) a consumed message is left to the
    /// delivery workers before the sweep takes it (they normally send within milliseconds of the commit; the grace
    /// avoids contending with them).
    /// </summary>
    public TimeSpan DeliveryGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consumed messages handled together: per sweep transaction, and per delivery worker's send-and-record round on PostgreSQL.</summary>
    public int DeliveryBatchSize { get; set; } = 20;

    /// <summary>
    /// How long a consumed message whose outbox failed to go out waits before the sweep tries it again; the wait
    /// doubles with each further failure. The other rows of the sweep go on meanwhile.
    /// </summary>
    [ConfigurationKeyName("RetryDelay")] // bound from Outbox__RetryDelay, the same name as the scheduler's
    public TimeSpan DeliveryRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two delivery attempts of one consumed message.</summary>
    [ConfigurationKeyName("MaxRetryDelay")]
    public TimeSpan DeliveryMaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failed deliveries after which a consumed message's outbox is parked: kept (inbox row and outbox messages) with
    /// its last error, logged and counted, and not sent again until an operator releases it.
    /// </summary>
    [ConfigurationKeyName("ParkAfterAttempts")]
    public int DeliveryParkAfterAttempts { get; set; } = 10;

    /// <summary>Run the inbox cleanup.</summary>
    public bool RunInboxCleanup { get; set; } = true;

    /// <summary>How long a delivered message's inbox row is kept to recognise a redelivery (MassTransit's default: 30 min).</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the inbox is cleaned.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The delivery retry and parking policy these options describe.</summary>
    internal SendRetryPolicy DeliveryRetryPolicy => new(DeliveryRetryDelay, DeliveryMaxRetryDelay, DeliveryParkAfterAttempts);

    /// <summary>Fault injection for tests: runs right after a consume committed, before its messages are delivered.</summary>
    internal Func<Guid, Task>? AfterConsumeCommitted { get; set; }
}
