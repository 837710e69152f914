using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Telemetry;

namespace ReportSaga.Persistence.Scheduling;

/// <summary>
/// Sends stored scheduled messages when due. Each batch is one transaction: the due rows are locked (PostgreSQL:
/// <c>FOR UPDATE SKIP LOCKED</c>, so several instances share the work and each row goes out once), sent, and
/// deleted in the same transaction after the broker confirmed the send. A crash between the send and the commit
/// sends that row again later (at least once): it keeps its message id, so an inbox drops the repeat, and the saga
/// drops a wake-up whose token it no longer holds.
/// </summary>
internal sealed class ScheduledMessageDispatcher(
    IReportSagaDbContextFactory factory,
    IBus bus,
    TimeProvider time,
    IOptions<DurableSchedulerOptions> options,
    SchedulerWakeup wakeup,
    PersistenceTelemetry telemetry,
    ILogger<ScheduledMessageDispatcher> logger) : BackgroundService
{
    private readonly DurableSchedulerOptions _options = options.Value;

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

    /// <summary>Sends everything due now, updates the backlog gauge, and says how long to sleep.</summary>
    internal async Task<TimeSpan> RunPassAsync(CancellationToken cancellationToken)
    {
        while (await DispatchBatchAsync(cancellationToken) >= _options.BatchSize)
        {
        }

        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        await db.ScheduledMessages.Where(x => x.Cancelled && x.DueTime <= now).ExecuteDeleteAsync(cancellationToken);
        await MeasureBacklogAsync(cancellationToken);

        var next = await db.ScheduledMessages.Where(x => !x.Cancelled).OrderBy(x => x.DueTime)
            .Select(x => (DateTime?)x.DueTime).FirstOrDefaultAsync(cancellationToken);
        var untilNext = next is null ? _options.PollInterval : next.Value - time.GetUtcNow().UtcDateTime;
        return untilNext < _options.PollInterval ? untilNext : _options.PollInterval;
    }

    /// <summary>Counts the rows past their due time that are not sent yet, for the backlog gauge.</summary>
    internal async Task<long> MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        var backlog = await db.ScheduledMessages.LongCountAsync(x => !x.Cancelled && x.DueTime <= now, cancellationToken);
        telemetry.SetSchedulerBacklog(backlog);
        return backlog;
    }

    /// <summary>Locks, sends and deletes up to one batch of due rows in one transaction; returns how many went out.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        return await TransactionRunner.RunAsync(db, async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var due = db.Provider == StorageProvider.Postgres
                ? await db.ScheduledMessages.FromSqlRaw(
                        "SELECT * FROM scheduled_message WHERE NOT cancelled AND due_time <= {0} ORDER BY due_time LIMIT {1} FOR UPDATE SKIP LOCKED",
                        now, _options.BatchSize)
                    .AsTracking().ToListAsync(cancellationToken)
                : await db.ScheduledMessages.Where(x => !x.Cancelled && x.DueTime <= now)
                    .OrderBy(x => x.DueTime).Take(_options.BatchSize).AsTracking().ToListAsync(cancellationToken);

            var sent = 0;
            foreach (var row in due)
            {
                try
                {
                    await SendAsync(row, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Keep what went out (deleted below); this row and the rest stay for the next pass.
                    logger.LogWarning(exception, "Could not send scheduled message {TokenId} to {Destination}", row.TokenId, row.Destination);
                    break;
                }

                telemetry.RecordSchedulerLag(time.GetUtcNow().UtcDateTime - row.DueTime);
                db.ScheduledMessages.Remove(row);
                sent++;
            }

            await db.SaveChangesAsync(cancellationToken);
            return sent;
        }, cancellationToken);
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
