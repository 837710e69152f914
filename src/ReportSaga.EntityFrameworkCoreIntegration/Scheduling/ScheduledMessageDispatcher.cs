using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.EntityFrameworkCoreIntegration.Mapping;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.EntityFrameworkCoreIntegration.Telemetry;

namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>
/// Sends stored scheduled messages when due. Each batch is one transaction: the due rows are locked (where rows lock,
/// <c>FOR UPDATE SKIP LOCKED</c>, so several instances share the work and each row goes out once), sent, and
/// deleted in the same transaction after the broker confirmed the send. A crash between the send and the commit
/// sends that row again later (at least once): it keeps its message id, so an inbox drops the repeat, and the saga
/// drops a wake-up whose token it no longer holds.
/// </summary>
/// <remarks>
/// A row that cannot be sent (a destination the broker refuses) does not hold up the rows behind it: its failure is
/// counted on the row, which waits before its next attempt (<see cref="DurableSchedulerOptions.RetryDelay"/>,
/// doubling up to <see cref="DurableSchedulerOptions.MaxRetryDelay"/>), and at
/// <see cref="DurableSchedulerOptions.ParkAfterAttempts"/> it is parked: kept in the table, logged at Error and
/// counted in <c>reportsaga.scheduler.parked</c>. A broker outage counts against no row (see <see cref="SendRetryPolicy"/>).
/// </remarks>
internal sealed class ScheduledMessageDispatcher(
    IMessagingDbContextFactory factory,
    IBusControl bus,
    TimeProvider time,
    IOptions<DurableSchedulerOptions> options,
    SchedulerWakeup wakeup,
    PersistenceTelemetry telemetry,
    ILogger<ScheduledMessageDispatcher> logger) : BackgroundService
{
    private readonly string _lockDueSql = factory.Dialect.ForUpdateSkipLocked(
        "SELECT * FROM scheduled_message WHERE " + ScheduledMessageMap.ToSendFilter + " AND next_attempt_at <= {0} " +
        "ORDER BY next_attempt_at LIMIT {1}");

    private IDatabaseDialect Dialect => factory.Dialect;

    // Sends in flight at once within a batch.
    private const int SendConcurrency = 32;

    private readonly DurableSchedulerOptions _options = options.Value;
    private readonly SendRetryPolicy _retry = options.Value.RetryPolicy;
    private DateTime _lastHousekeeping = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunDispatcher)
            return;

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = _options.PollInterval;
            try
            {
                delay = await RunPassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Scheduled message dispatch failed; retrying in {Delay}", delay);
            }

            try
            {
                await wakeup.WaitAsync(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends everything due now, at most once per <see cref="DurableSchedulerOptions.PollInterval"/> removes expired
    /// cancellations and updates the gauges, and says how long to sleep.
    /// </summary>
    internal async Task<TimeSpan> RunPassAsync(CancellationToken cancellationToken)
    {
        DispatchResult batch;
        do
            batch = await DispatchBatchAsync(cancellationToken);
        while (batch.MoreMayBeDue && !batch.BrokerAway);

        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        // Under load every schedule wakes the dispatcher, dozens of times a second; the purge and the counts read
        // across the table (and grow with it), so they run on the poll's rhythm, not the wake-ups'.
        if (now - _lastHousekeeping >= _options.PollInterval)
        {
            _lastHousekeeping = now;
            await db.Set<ScheduledMessageRecord>().Where(x => x.Cancelled && x.DueTime <= now).ExecuteDeleteAsync(cancellationToken);
            await MeasureBacklogAsync(cancellationToken);
        }

        // A failure left uncounted (the broker away) leaves its row due: wait a poll interval rather than spin on it.
        if (batch.BrokerAway)
            return _options.PollInterval;

        var next = await db.Set<ScheduledMessageRecord>().Where(x => !x.Cancelled && x.ParkedAt == null).OrderBy(x => x.NextAttemptAt)
            .Select(x => (DateTime?)x.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        var untilNext = next is null ? _options.PollInterval : next.Value - time.GetUtcNow().UtcDateTime;
        return untilNext < _options.PollInterval ? untilNext : _options.PollInterval;
    }

    /// <summary>
    /// Counts the rows past their due time that are not sent yet (parked ones aside) for the backlog gauge, and the
    /// parked rows for theirs; returns the backlog.
    /// </summary>
    internal async Task<long> MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        var backlog = await db.Set<ScheduledMessageRecord>().LongCountAsync(x => !x.Cancelled && x.ParkedAt == null && x.DueTime <= now, cancellationToken);
        var parked = await db.Set<ScheduledMessageRecord>().LongCountAsync(x => x.ParkedAt != null, cancellationToken);
        telemetry.SetSchedulerBacklog(backlog);
        telemetry.SetSchedulerParked(parked);
        return backlog;
    }

    /// <summary>
    /// Locks, sends and deletes up to one batch of due rows in one transaction; a row that fails is counted, backs
    /// off or is parked, and the batch goes on with the next.
    /// </summary>
    internal async Task<DispatchResult> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await TransactionRunner.RunAsync(db, Dialect, async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var due = Dialect.LocksRows
                ? await db.Set<ScheduledMessageRecord>().FromSqlRaw(_lockDueSql, now, _options.BatchSize).AsTracking().ToListAsync(cancellationToken)
                : await db.Set<ScheduledMessageRecord>().Where(x => !x.Cancelled && x.ParkedAt == null && x.NextAttemptAt <= now)
                    .OrderBy(x => x.NextAttemptAt).Take(_options.BatchSize).AsTracking().ToListAsync(cancellationToken);

            // The batch's sends go out together (each waits for its broker confirmation, and waiting for them one by
            // one capped the scheduler at about a hundred messages a second); their outcomes are recorded afterwards.
            var errors = new Exception?[due.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, due.Count),
                new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
                async (index, token) => errors[index] = await TrySendAsync(due[index], token));

            var result = new DispatchResult(Taken: due.Count, Full: due.Count >= _options.BatchSize);
            var anySent = errors.Any(error => error is null);
            for (var index = 0; index < due.Count; index++)
            {
                var row = due[index];
                if (errors[index] is { } exception)
                {
                    if (SendRetryPolicy.CountsAgainstRow(bus, anySent))
                        result = CountFailure(row, exception)
                            ? result with { Parked = result.Parked + 1 }
                            : result with { Failed = result.Failed + 1 };
                    else
                    {
                        logger.LogWarning(exception, "Could not send scheduled message {TokenId} to {Destination}; the bus is " +
                            "reconnecting, so the attempt counts against no message", row.TokenId, row.Destination);
                        result = result with { BrokerAway = true };
                    }
                    continue;
                }

                telemetry.RecordSchedulerLag(time.GetUtcNow().UtcDateTime - row.DueTime);
                db.Set<ScheduledMessageRecord>().Remove(row);
                result = result with { Sent = result.Sent + 1 };
            }

            await db.SaveChangesAsync(cancellationToken);
            return result;
        }, cancellationToken);
    }

    /// <summary>Counts a failed send on its row: it waits before its next attempt, or is parked (true).</summary>
    private bool CountFailure(ScheduledMessageRecord row, Exception exception)
    {
        var now = time.GetUtcNow().UtcDateTime;
        row.FailedAttempts++;
        row.LastError = SendRetryPolicy.ErrorText(exception);
        telemetry.RecordSchedulerFailedAttempt();

        if (_retry.ShouldPark(row.FailedAttempts))
        {
            row.ParkedAt = now;
            logger.LogError(exception, "Parked scheduled message {TokenId} to {Destination} after {FailedAttempts} failed sends; it stays " +
                "in scheduled_message and is not sent again until released (docs/operations.md)", row.TokenId, row.Destination, row.FailedAttempts);
            return true;
        }

        row.NextAttemptAt = now + _retry.DelayAfter(row.FailedAttempts);
        logger.LogWarning(exception, "Could not send scheduled message {TokenId} to {Destination} (failed send {FailedAttempts} of {ParkAfterAttempts}); " +
            "next attempt at {NextAttemptAt:O}", row.TokenId, row.Destination, row.FailedAttempts, _retry.ParkAfterAttempts, row.NextAttemptAt);
        return false;
    }

    /// <summary>Sends one row; the exception when it failed (a cancelled shutdown aside), else null.</summary>
    private async Task<Exception?> TrySendAsync(ScheduledMessageRecord row, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(row, cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return exception;
        }
    }

    private async Task SendAsync(ScheduledMessageRecord row, CancellationToken cancellationToken)
    {
        // Each message under its own stored parent, never under whatever span is current here.
        using var activity = PersistenceTelemetry.StartUnderStoredParent("scheduler deliver", row.TraceParent);
        activity?.SetTag("messaging.message.id", row.MessageId.ToString());
        activity?.SetTag("reportsaga.scheduling.token_id", row.TokenId.ToString());

        await BoundedSend.SendAsync(bus, new Uri(row.Destination), new ScheduledMessageSendPipe(row), _options.SendTimeout, cancellationToken);
    }
}
