namespace ReportSaga.Service.Messaging;

/// <summary>Tuning of the RabbitMQ transport; section <c>RabbitMq</c>. The connection itself is <c>ConnectionStrings__RabbitMq</c>.</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    /// <summary>Declare receive queues as quorum queues (replicated; needs a RabbitMQ cluster of 3 or more to pay off).</summary>
    public bool QuorumQueues { get; set; }

    /// <summary>How many unacknowledged messages each receive endpoint may hold.</summary>
    public ushort PrefetchCount { get; set; } = 32;

    /// <summary>How many messages each receive endpoint handles at once.</summary>
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>
    /// How long a receive endpoint may stay silent and not consuming while the broker answers the other endpoints
    /// before the process ends itself to be restarted (see <c>StuckEndpointWatchdog</c>). Longer than the 30 seconds
    /// MassTransit waits at most between two reconnection attempts.
    /// </summary>
    public TimeSpan StuckEndpointLimit { get; set; } = TimeSpan.FromMinutes(2);
}
