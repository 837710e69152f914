namespace ReportSaga.Persistence.Outbox;

/// <summary>Options of the transactional outbox and inbox.</summary>
public sealed class ReportSagaOutboxOptions
{
    /// <summary>Add storage-conflict message retry and the outbox to every endpoint that <c>ConfigureEndpoints</c> makes (default true).</summary>
    public bool ApplyToAllEndpoints { get; set; } = true;

    /// <summary>Messages sent per delivery pass of one consumed message (the rest follow in the next pass).</summary>
    public int MessageDeliveryLimit { get; set; } = 100;

    /// <summary>How long one send to the broker may take.</summary>
    public TimeSpan MessageDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Run the dispatcher that delivers committed-but-undelivered messages (a crash after the commit).</summary>
    public bool RunDeliveryService { get; set; } = true;

    /// <summary>How often the dispatcher looks for undelivered messages.</summary>
    public TimeSpan DeliveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after its commit a consumed message is left to its own consumer to deliver before the dispatcher
    /// takes over (it normally delivers within milliseconds; the grace avoids contending with it).
    /// </summary>
    public TimeSpan DeliveryGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consumed messages handled per dispatcher transaction.</summary>
    public int DeliveryBatchSize { get; set; } = 20;

    /// <summary>Run the inbox cleanup.</summary>
    public bool RunInboxCleanup { get; set; } = true;

    /// <summary>How long a delivered message's inbox row is kept to recognise a redelivery (MassTransit's default: 30 min).</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the inbox is cleaned.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Fault injection for tests: runs right after a consume committed, before its messages are delivered.</summary>
    internal Func<Guid, Task>? AfterConsumeCommitted { get; set; }
}
