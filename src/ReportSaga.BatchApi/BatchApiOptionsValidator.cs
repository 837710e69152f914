using Microsoft.Extensions.Options;

namespace ReportSaga.BatchApi;

/// <summary>
/// Checks what data annotations cannot: URL shape, path templates, positive timeouts, and a key whenever a base URL
/// is set. Messages name the setting, never its value (the key is a secret).
/// </summary>
internal sealed class BatchApiOptionsValidator : IValidateOptions<BatchApiOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchApiOptions options)
    {
        var failures = new List<string>();
        const string section = BatchApiOptions.SectionName;

        if (options.BaseUrl is { } baseUrl)
        {
            if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{section}:BaseUrl must be an absolute http or https URL.");
            }

            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                failures.Add($"{section}:ApiKey is required when {section}:BaseUrl is set.");
            }
        }

        CheckPath(failures, nameof(options.ValidatePath), options.ValidatePath, needsReportId: false);
        CheckPath(failures, nameof(options.RequestReportPath), options.RequestReportPath, needsReportId: false);
        CheckPath(failures, nameof(options.StatusPath), options.StatusPath, needsReportId: true);
        CheckPath(failures, nameof(options.RetryPath), options.RetryPath, needsReportId: true);
        CheckPath(failures, nameof(options.CreditsPath), options.CreditsPath, needsReportId: false);

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:AttemptTimeout must be positive.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"{section}:RetryBaseDelay must be zero or more and not above {section}:RetryMaxDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPath(List<string> failures, string name, string? path, bool needsReportId)
    {
        if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
        {
            failures.Add($"{BatchApiOptions.SectionName}:{name} must start with '/'.");
        }
        else if (needsReportId && !path.Contains("{report_id}", StringComparison.Ordinal))
        {
            failures.Add($"{BatchApiOptions.SectionName}:{name} must contain the placeholder {{report_id}}.");
        }
    }
}
