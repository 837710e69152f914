namespace ReportSaga.Simulator;

/// <summary>Settings of the Batch API simulator, bound from the <c>Simulator</c> section (env <c>Simulator__*</c>).</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Accepted <c>api-key</c> values, comma-separated (one env variable can carry several).</summary>
    public string ApiKeys { get; set; } = "demo-key";

    /// <summary>Credits each key starts with.</summary>
    public long InitialCredits { get; set; } = 1_000_000;

    /// <summary>Time from submission to completion; split between pending and processing (see docs/simulator.md).</summary>
    public TimeSpan ProcessingTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Unfinished reports a key may have before request-report answers 429 (the provider documents 100).</summary>
    public int MaxPendingReportsPerKey { get; set; } = 100;

    /// <summary>How long a <c>timeout</c> fault holds the response (cancelled when the client disconnects).</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long a download link stays valid after completion (the provider documents 30 days).</summary>
    public TimeSpan DownloadLinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary><c>Retry-After</c> sent with 429 answers; null sends none (the provider documents none).</summary>
    public TimeSpan? RateLimitRetryAfter { get; set; }

    /// <summary>HTTP status of a request-validate answer that says is_valid=false (provider versions differ: 200 or 400).</summary>
    public int InvalidValidationStatusCode { get; set; } = 200;

    public string ValidatePath { get; set; } = "/batch/v4/request-validate";
    public string RequestReportPath { get; set; } = "/batch/v4/request-report";
    public string StatusPath { get; set; } = "/v3/batch/request-status/{report_id}";
    public string RetryPath { get; set; } = "/v3/batch/retry-report/{report_id}";
    public string CreditsPath { get; set; } = "/v3/batch/credits";

    /// <summary>Where the simulator serves report files; download URLs point here.</summary>
    public string DownloadPath { get; set; } = "/simulator/downloads/{report_id}.csv";

    /// <summary>Random faults and latency for every request of an endpoint.</summary>
    public SimulatorFaultOptions Faults { get; set; } = new();

    /// <summary>The accepted keys, parsed from <see cref="ApiKeys"/>.</summary>
    public IReadOnlySet<string> AcceptedApiKeys() =>
        (ApiKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
