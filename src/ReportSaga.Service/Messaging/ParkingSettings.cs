using System.Globalization;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.Messaging;

/// <summary>
/// How the durable scheduler (<c>Scheduler__*</c>) and the outbox (<c>Outbox__*</c>) treat a stored message the broker
/// will not take: the first wait after a failed send (<c>RetryDelay</c>, doubling), the longest wait
/// (<c>MaxRetryDelay</c>), and the failed sends after which it is parked (<c>ParkAfterAttempts</c>). A key left out
/// keeps the default of <see cref="DurableSchedulerOptions"/> or <see cref="ReportSagaOutboxOptions"/>.
/// </summary>
internal sealed class ParkingSettings
{
    private ParkingSettings(Part scheduler, Part outbox)
    {
        Scheduler = scheduler;
        Outbox = outbox;
    }

    public Part Scheduler { get; }
    public Part Outbox { get; }

    /// <summary>Reads and checks the settings; throws <see cref="InvalidSettingException"/> naming the key that is wrong.</summary>
    public static ParkingSettings Read(IConfiguration configuration)
    {
        var scheduler = new DurableSchedulerOptions();
        var outbox = new ReportSagaOutboxOptions();
        return new ParkingSettings(
            Part.Read(configuration, "Scheduler", scheduler.RetryDelay, scheduler.MaxRetryDelay, scheduler.ParkAfterAttempts),
            Part.Read(configuration, "Outbox", outbox.DeliveryRetryDelay, outbox.DeliveryMaxRetryDelay, outbox.DeliveryParkAfterAttempts));
    }

    public void ApplyTo(DurableSchedulerOptions options)
    {
        options.RetryDelay = Scheduler.RetryDelay;
        options.MaxRetryDelay = Scheduler.MaxRetryDelay;
        options.ParkAfterAttempts = Scheduler.ParkAfterAttempts;
    }

    public void ApplyTo(ReportSagaOutboxOptions options)
    {
        options.DeliveryRetryDelay = Outbox.RetryDelay;
        options.DeliveryMaxRetryDelay = Outbox.MaxRetryDelay;
        options.DeliveryParkAfterAttempts = Outbox.ParkAfterAttempts;
    }

    /// <summary>One section's three settings.</summary>
    internal sealed record Part(TimeSpan RetryDelay, TimeSpan MaxRetryDelay, int ParkAfterAttempts)
    {
        public static Part Read(IConfiguration configuration, string section, TimeSpan retryDelay, TimeSpan maxRetryDelay, int parkAfterAttempts)
        {
            var part = new Part(
                TimeSpanAt(configuration, $"{section}:RetryDelay") ?? retryDelay,
                TimeSpanAt(configuration, $"{section}:MaxRetryDelay") ?? maxRetryDelay,
                IntegerAt(configuration, $"{section}:ParkAfterAttempts") ?? parkAfterAttempts);
            if (part.RetryDelay <= TimeSpan.Zero)
                throw new InvalidSettingException($"{section}:RetryDelay", "must be longer than zero");
            if (part.MaxRetryDelay < part.RetryDelay)
                throw new InvalidSettingException($"{section}:MaxRetryDelay", $"must be at least {section}__RetryDelay");
            if (part.ParkAfterAttempts < 1)
                throw new InvalidSettingException($"{section}:ParkAfterAttempts", "must be at least 1");
            return part;
        }

        private static TimeSpan? TimeSpanAt(IConfiguration configuration, string key) => configuration[key] switch
        {
            null or "" => null,
            var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) => value,
            _ => throw new InvalidSettingException(key, "must be a time span such as 00:00:01"),
        };

        private static int? IntegerAt(IConfiguration configuration, string key) => configuration[key] switch
        {
            null or "" => null,
            var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
            _ => throw new InvalidSettingException(key, "must be a whole number"),
        };
    }
}
