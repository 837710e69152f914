using Microsoft.Extensions.Options;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

namespace ReportSaga.Service.Messaging;

/// <summary>
/// Start-up checks of how the durable scheduler (<c>Scheduler__*</c>) and the outbox (<c>Outbox__*</c>) send what
/// they stored: the first wait after a failed send (<c>RetryDelay</c>, doubling), the longest wait
/// (<c>MaxRetryDelay</c>), the failed sends after which a message is parked (<c>ParkAfterAttempts</c>) and how long one
/// send may take. Each failure names the setting as an environment variable.
/// </summary>
internal static class StoredMessageSending
{
    public const string SchedulerSection = "Scheduler";
    public const string OutboxSection = "Outbox";

    /// <summary>The <c>Scheduler__*</c> keys an operator may set (README and docs/operations.md).</summary>
    public static readonly string[] SchedulerKeys = ["RetryDelay", "MaxRetryDelay", "ParkAfterAttempts", "SendTimeout"];

    /// <summary>The <c>Outbox__*</c> keys an operator may set (README and docs/operations.md).</summary>
    public static readonly string[] OutboxKeys = ["RetryDelay", "MaxRetryDelay", "ParkAfterAttempts", "MessageDeliveryTimeout"];

    public static void Check(List<string> failures, string section, TimeSpan retryDelay, TimeSpan maxRetryDelay, int parkAfterAttempts,
        string sendTimeoutKey, TimeSpan sendTimeout)
    {
        if (retryDelay <= TimeSpan.Zero)
            failures.Add($"Setting {section}__RetryDelay must be longer than zero (was {retryDelay}).");
        if (maxRetryDelay < retryDelay)
            failures.Add($"Setting {section}__MaxRetryDelay must be at least {section}__RetryDelay (was {maxRetryDelay}).");
        if (parkAfterAttempts < 1)
            failures.Add($"Setting {section}__ParkAfterAttempts must be at least 1 (was {parkAfterAttempts}).");
        if (sendTimeout <= TimeSpan.Zero)
            failures.Add($"Setting {section}__{sendTimeoutKey} must be longer than zero (was {sendTimeout}).");
    }
}

/// <summary>The <c>Scheduler</c> section's checks (see <see cref="StoredMessageSending"/>).</summary>
internal sealed class DurableSchedulerOptionsValidator : IValidateOptions<DurableSchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, DurableSchedulerOptions options)
    {
        var failures = new List<string>();
        StoredMessageSending.Check(failures, StoredMessageSending.SchedulerSection, options.RetryDelay, options.MaxRetryDelay,
            options.ParkAfterAttempts, nameof(options.SendTimeout), options.SendTimeout);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The <c>Outbox</c> section's checks (see <see cref="StoredMessageSending"/>).</summary>
internal sealed class ReportSagaOutboxOptionsValidator : IValidateOptions<ReportSagaOutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportSagaOutboxOptions options)
    {
        var failures = new List<string>();
        StoredMessageSending.Check(failures, StoredMessageSending.OutboxSection, options.DeliveryRetryDelay, options.DeliveryMaxRetryDelay,
            options.DeliveryParkAfterAttempts, nameof(options.MessageDeliveryTimeout), options.MessageDeliveryTimeout);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
