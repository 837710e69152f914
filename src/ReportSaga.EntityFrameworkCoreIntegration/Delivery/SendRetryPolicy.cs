using MassTransit;

namespace ReportSaga.EntityFrameworkCoreIntegration.Delivery;

/// <summary>
/// What the scheduler and the outbox do with a stored message they could not send. The failure is counted on its own
/// row, which waits <see cref="DelayAfter"/> before its next attempt while the rows behind it go on; at
/// <see cref="ParkAfterAttempts"/> the row is parked: kept, logged and counted, and never sent again unless an
/// operator releases it.
/// </summary>
/// <remarks>
/// A failure is counted only when the broker is demonstrably taking messages (another send of the same pass went
/// out, or the bus reports every endpoint connected): a refused destination then shows as a failed send among
/// good ones, while a broker outage, where every send fails, counts against no row and parks nothing however
/// long it lasts. Both look the same from one send (a time-out: MassTransit retries a closed channel until the
/// send's limit), so the bus's view decides.
/// </remarks>
internal sealed record SendRetryPolicy(TimeSpan FirstDelay, TimeSpan MaxDelay, int ParkAfterAttempts)
{
    /// <summary>Failed sends in a row, with none going out, after which a pass stops: the broker is likely away.</summary>
    public const int ConsecutiveFailuresBeforeStop = 3;

    /// <summary>The longest error text kept on a row (the column's length).</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>How long a row waits after its <paramref name="failedAttempts"/>th failed attempt: doubling from the first delay, capped.</summary>
    public TimeSpan DelayAfter(int failedAttempts)
    {
        var doublings = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = FirstDelay.TotalMilliseconds * Math.Pow(2, doublings);
        return delay >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Whether a row with <paramref name="failedAttempts"/> failed attempts is parked.</summary>
    public bool ShouldPark(int failedAttempts) => failedAttempts >= ParkAfterAttempts;

    /// <summary>
    /// Whether a failed send counts against its row: yes when a send of the same pass went out, or the bus reports
    /// every endpoint connected (<see cref="BusHealthStatus.Healthy"/>); no while it is reconnecting.
    /// </summary>
    public static bool CountsAgainstRow(IBusControl bus, bool anotherSendWentOut) =>
        anotherSendWentOut || bus.CheckHealth().Status == BusHealthStatus.Healthy;

    /// <summary>The failure as kept on the row: exception types and messages (never a message body), truncated.</summary>
    public static string ErrorText(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null && parts.Count < 4; current = current.InnerException)
            parts.Add($"{current.GetType().FullName}: {current.Message}");
        var text = string.Join(" ---> ", parts);
        return text.Length <= MaxErrorLength ? text : text[..(MaxErrorLength - 1)] + "…";
    }

    /// <summary>Checks the settings; <paramref name="prefix"/> names them in the message.</summary>
    public SendRetryPolicy Validated(string prefix)
    {
        if (FirstDelay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(prefix + "RetryDelay", FirstDelay, "must be positive");
        if (MaxDelay < FirstDelay)
            throw new ArgumentOutOfRangeException(prefix + "MaxRetryDelay", MaxDelay, "must be at least the retry delay");
        if (ParkAfterAttempts < 1)
            throw new ArgumentOutOfRangeException(prefix + "ParkAfterAttempts", ParkAfterAttempts, "must be at least 1");
        return this;
    }
}
