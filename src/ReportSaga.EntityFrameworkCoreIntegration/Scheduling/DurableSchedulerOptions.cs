using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>Options of the durable message scheduler.</summary>
public sealed class DurableSchedulerOptions
{
    /// <summary>The queue the scheduler consumes <c>ScheduleMessage</c>/<c>CancelScheduledMessage</c> from.</summary>
    public string QueueName { get; set; } = "report-scheduler";

    /// <summary>The longest the dispatcher sleeps between two looks at the table (rows stored by other instances).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows sent per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a cancellation is remembered, so a schedule that arrives after its cancel is ignored.</summary>
    public TimeSpan CancellationRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long one send to the broker may take before the dispatcher gives up and leaves the row for the next pass
    /// (a publisher confirmation lost with a dropped connection is otherwise awaited forever).
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a row waits after its first failed send; the wait doubles with each further failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts of one row.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failed sends after which a row is parked: kept in <c>scheduled_message</c> with its last error, logged and
    /// counted, and not sent again until an operator releases it. With the defaults, about ten minutes of failures.
    /// </summary>
    public int ParkAfterAttempts { get; set; } = 10;

    /// <summary>Run the dispatcher in this process (default true; tests drive it by hand).</summary>
    public bool RunDispatcher { get; set; } = true;

    /// <summary>The scheduler's address, for <c>UseMessageScheduler</c>/<c>AddMessageScheduler</c>.</summary>
    public Uri Address => new($"queue:{QueueName}");

    internal SendRetryPolicy RetryPolicy => new(RetryDelay, MaxRetryDelay, ParkAfterAttempts);
}
