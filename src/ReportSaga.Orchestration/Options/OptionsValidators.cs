using Microsoft.Extensions.Options;

namespace ReportSaga.Orchestration.Options;

/// <summary>
/// Start-up checks of the saga's settings. Each failure names the setting as an environment variable, so an
/// operator can find it whichever way it was given.
/// </summary>
internal sealed class PollingOptionsValidator : IValidateOptions<PollingOptions>
{
    public ValidateOptionsResult Validate(string? name, PollingOptions options)
    {
        var failures = new List<string>();
        if (options.InitialInterval <= TimeSpan.Zero)
            failures.Add($"Polling__InitialInterval must be positive (was {options.InitialInterval}).");
        if (options.MaxInterval < options.InitialInterval)
            failures.Add($"Polling__MaxInterval ({options.MaxInterval}) must not be shorter than Polling__InitialInterval ({options.InitialInterval}).");
        if (options.BackoffFactor < 1)
            failures.Add($"Polling__BackoffFactor must be at least 1 (was {options.BackoffFactor}).");
        if (options.Jitter is < 0 or >= 1)
            failures.Add($"Polling__Jitter must be at least 0 and below 1 (was {options.Jitter}).");
        if (options.ShortReportInterval <= TimeSpan.Zero)
            failures.Add($"Polling__ShortReportInterval must be positive (was {options.ShortReportInterval}).");
        if (options.ShortReportAge < TimeSpan.Zero)
            failures.Add($"Polling__ShortReportAge must not be negative (was {options.ShortReportAge}).");
        if (options.DelayShare is not (> 0 and <= 1))
            failures.Add($"Polling__DelayShare must be above 0 and at most 1 (was {options.DelayShare}).");
        if (options.RecentReports is < 0 or > PollingOptions.MostRecentReports)
            failures.Add($"Polling__RecentReports must be between 0 and {PollingOptions.MostRecentReports} (was {options.RecentReports}).");
        if (options.RecentReports > 0 && (options.MinRecentReports < 1 || options.MinRecentReports > options.RecentReports))
            failures.Add($"Polling__MinRecentReports must be at least 1 and at most Polling__RecentReports (was {options.MinRecentReports}).");
        if (options.FirstCheckShare is not (> 0 and <= 1))
            failures.Add($"Polling__FirstCheckShare must be above 0 and at most 1 (was {options.FirstCheckShare}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class ReportsOptionsValidator : IValidateOptions<ReportsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportsOptions options)
    {
        var failures = new List<string>();
        if (options.Deadline <= TimeSpan.Zero)
            failures.Add($"Reports__Deadline must be positive (was {options.Deadline}).");
        if (options.MaxRetries < 0)
            failures.Add($"Reports__MaxRetries must not be negative (was {options.MaxRetries}).");
        if (options.RetryDelay <= TimeSpan.Zero)
            failures.Add($"Reports__RetryDelay must be positive (was {options.RetryDelay}).");
        if (options.MaxRetryDelay < options.RetryDelay)
            failures.Add($"Reports__MaxRetryDelay ({options.MaxRetryDelay}) must not be shorter than Reports__RetryDelay ({options.RetryDelay}).");
        if (options.Retention <= TimeSpan.Zero)
            failures.Add($"Reports__Retention must be positive (was {options.Retention}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class SubmissionOptionsValidator : IValidateOptions<SubmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, SubmissionOptions options)
    {
        var failures = new List<string>();
        if (options.MaxInFlight < 1)
            failures.Add($"Submission__MaxInFlight must be at least 1 (was {options.MaxInFlight}).");
        if (options.RetryDelay <= TimeSpan.Zero)
            failures.Add($"Submission__RetryDelay must be positive (was {options.RetryDelay}).");
        if (options.MaxRetryDelay < options.RetryDelay)
            failures.Add($"Submission__MaxRetryDelay ({options.MaxRetryDelay}) must not be shorter than Submission__RetryDelay ({options.RetryDelay}).");
        if (options.GrantInterval <= TimeSpan.Zero)
            failures.Add($"Submission__GrantInterval must be positive (was {options.GrantInterval}).");
        if (options.GrantResendAfter <= TimeSpan.Zero)
            failures.Add($"Submission__GrantResendAfter must be positive (was {options.GrantResendAfter}).");
        if (options.MaxInFlightPerRequester is < 1)
            failures.Add($"Submission__MaxInFlightPerRequester must be at least 1 when set (was {options.MaxInFlightPerRequester}).");
        foreach (var (requester, weight) in options.Weights)
        {
            if (weight is < 1 or > 1000)
                failures.Add($"Submission__Weights__{requester} must be between 1 and 1000 (was {weight}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class CreditsOptionsValidator : IValidateOptions<CreditsOptions>
{
    public ValidateOptionsResult Validate(string? name, CreditsOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultDailyBudget is < 0)
            failures.Add($"Credits__DefaultDailyBudget must not be negative (was {options.DefaultDailyBudget}).");
        foreach (var (requester, budget) in options.DailyBudgets)
        {
            if (budget < 0)
                failures.Add($"Credits__DailyBudgets__{requester} must not be negative (was {budget}).");
        }

        if (options.AccountCacheFor <= TimeSpan.Zero || options.AccountCacheFor > TimeSpan.FromHours(1))
            failures.Add($"Credits__AccountCacheFor must be positive and at most 01:00:00 (was {options.AccountCacheFor}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class RequestsOptionsValidator : IValidateOptions<RequestsOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestsOptions options) =>
        options.MaxBodyBytes is < RequestsOptions.SmallestMaxBodyBytes or > RequestsOptions.LargestMaxBodyBytes
            ? ValidateOptionsResult.Fail(
                $"Requests__MaxBodyBytes must be between {RequestsOptions.SmallestMaxBodyBytes} and {RequestsOptions.LargestMaxBodyBytes} bytes (was {options.MaxBodyBytes}).")
            : ValidateOptionsResult.Success;
}
