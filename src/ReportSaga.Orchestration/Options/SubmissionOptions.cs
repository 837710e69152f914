namespace ReportSaga.Orchestration.Options;

/// <summary>How reports are handed to the provider; section <c>Submission</c>.</summary>
public sealed class SubmissionOptions
{
    public const string SectionName = "Submission";

    /// <summary>
    /// The most reports submitted and not yet finished at once, across all instances
    /// (the provider allows 100 pending per user), <c>Submission__MaxInFlight</c>.
    /// </summary>
    public int MaxInFlight { get; set; } = 90;

    /// <summary>The wait before calling again after a rate limit or provider fault, when the provider named none.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest such wait.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often each instance's gate looks for free slots without being woken (a slot freed by another instance is
    /// seen then), <c>Submission__GrantInterval</c>.
    /// </summary>
    public TimeSpan GrantInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A grant the report has not taken after this long is sent again (its message was lost with a crash or a broker
    /// outage), <c>Submission__GrantResendAfter</c>.
    /// </summary>
    public TimeSpan GrantResendAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Free slots go round-robin to the requesters (<c>requestedBy</c>) with waiting reports, within a priority, rather
    /// than to the oldest report whoever asked, <c>Submission__FairShare</c> (default true).
    /// </summary>
    public bool FairShare { get; set; } = true;

    /// <summary>
    /// A requester's share relative to others (default 1), <c>Submission__Weights__&lt;requestedBy&gt;</c>: with 2 it holds
    /// twice the slots of a requester with 1 while both have reports waiting.
    /// </summary>
    public Dictionary<string, int> Weights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most slots one requester may hold at once; unset for none, <c>Submission__MaxInFlightPerRequester</c>.</summary>
    public int? MaxInFlightPerRequester { get; set; }
}
