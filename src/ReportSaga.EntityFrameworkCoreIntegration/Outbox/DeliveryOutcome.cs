using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>What became of one consumed message's outbox in a delivery attempt.</summary>
internal enum DeliveryOutcome
{
    /// <summary>Not taken: another worker has it, it is delivered already, parked, or waiting after a failure.</summary>
    NotTaken,
    Delivered,

    /// <summary>A send failed and was counted on the row, which waits before its next attempt.</summary>
    Failed,

    /// <summary>A send failed and the row reached the limit: parked.</summary>
    Parked,

    /// <summary>A send failed while the bus was reconnecting: counted against nothing.</summary>
    FailedUncounted,
}

/// <summary>What one batch of the outbox sweep did.</summary>
/// <param name="Taken">Rows it took (consumed, undelivered, past the grace period, not parked, not waiting after a failure).</param>
/// <param name="Full">It took a whole batch, so more rows may be waiting.</param>
/// <param name="Delivered">Rows whose outbox went out.</param>
/// <param name="Failed">Rows whose delivery failed and was counted: they wait before their next attempt.</param>
/// <param name="Parked">Rows parked by this batch.</param>
/// <param name="BrokerAway">A delivery failed while the bus was reconnecting: counted against no row, and tried again next sweep.</param>
/// <param name="Stopped">The batch stopped early after several failures in a row with nothing delivered.</param>
/// <param name="FailedInARow">Failures since the last delivery.</param>
internal readonly record struct SweepResult(int Taken, bool Full, int Delivered = 0, int Failed = 0, int Parked = 0,
    bool BrokerAway = false, bool Stopped = false, int FailedInARow = 0)
{
    /// <summary>
    /// Another batch may find rows now: this one was full and got somewhere (rows another worker held are not worth
    /// asking for again at once), or stopped before its end.
    /// </summary>
    public bool MoreMayBeDue => (Full && Delivered + Failed + Parked > 0) || Stopped;

    /// <summary>This result after one more row; stops the batch after several failures in a row with nothing delivered.</summary>
    public SweepResult With(DeliveryOutcome outcome)
    {
        var next = outcome switch
        {
            DeliveryOutcome.Delivered => this with { Delivered = Delivered + 1, FailedInARow = 0 },
            DeliveryOutcome.Failed => this with { Failed = Failed + 1, FailedInARow = FailedInARow + 1 },
            DeliveryOutcome.Parked => this with { Parked = Parked + 1, FailedInARow = FailedInARow + 1 },
            DeliveryOutcome.FailedUncounted => this with { BrokerAway = true, FailedInARow = FailedInARow + 1 },
            _ => this,
        };
        return next.FailedInARow >= SendRetryPolicy.ConsecutiveFailuresBeforeStop && next.Delivered == 0 ? next with { Stopped = true } : next;
    }
}
