using System.ComponentModel.DataAnnotations;

namespace ReportSaga.BatchApi;

/// <summary>Settings of the Batch API client, bound from the <c>BatchApi</c> section.</summary>
public sealed class BatchApiOptions
{
    public const string SectionName = "BatchApi";

    /// <summary>The provider's base URL. Empty means the embedded simulator (the host decides).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The <c>api-key</c> header value. A secret: never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// <c>BatchApi__AllowInsecureHttp</c>: a plain http <see cref="BaseUrl"/> off the machine is accepted in Production
    /// (a simulator in a staging cluster). Checked by the host at start-up; the client itself calls whatever URL it is given.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    [Required] public string ValidatePath { get; set; } = "/batch/v4/request-validate";
    [Required] public string RequestReportPath { get; set; } = "/batch/v4/request-report";

    /// <summary>Status path; <c>{report_id}</c> is replaced by the report id.</summary>
    [Required] public string StatusPath { get; set; } = "/v3/batch/request-status/{report_id}";

    /// <summary>Retry path; <c>{report_id}</c> is replaced by the report id.</summary>
    [Required] public string RetryPath { get; set; } = "/v3/batch/retry-report/{report_id}";
    [Required] public string CreditsPath { get; set; } = "/v3/batch/credits";

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times an idempotent call is retried on 5xx, timeouts and network errors.</summary>
    [Range(0, 10)] public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay of an idempotent call; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single retry delay of an idempotent call.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
