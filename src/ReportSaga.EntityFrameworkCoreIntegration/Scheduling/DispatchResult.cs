namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>What one batch of the scheduler's dispatcher did.</summary>
/// <param name="Taken">Rows it took (due, not parked, not waiting after a failure).</param>
/// <param name="Full">It took a whole batch, so more rows may be due.</param>
/// <param name="Sent">Rows sent (and deleted).</param>
/// <param name="Failed">Rows whose send failed and were counted: they wait before their next attempt.</param>
/// <param name="Parked">Rows parked by this batch.</param>
/// <param name="BrokerAway">A send failed while the bus was reconnecting: counted against no row, and tried again next pass.</param>
internal readonly record struct DispatchResult(int Taken, bool Full, int Sent = 0, int Failed = 0, int Parked = 0,
    bool BrokerAway = false)
{
    /// <summary>Another batch may find due rows now: this one was full.</summary>
    public bool MoreMayBeDue => Full;
}
