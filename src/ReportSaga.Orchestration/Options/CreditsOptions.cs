namespace ReportSaga.Orchestration.Options;

/// <summary>Credit budgets per requester and the account guard; section <c>Credits</c>.</summary>
public sealed class CreditsOptions
{
    public const string SectionName = "Credits";

    /// <summary>
    /// Credits a requester may spend per UTC day when it has no budget of its own; unset for no limit,
    /// <c>Credits__DefaultDailyBudget</c>. Reports without <c>requestedBy</c> share one such budget.
    /// </summary>
    public long? DefaultDailyBudget { get; set; }

    /// <summary>Credits per UTC day by requester, <c>Credits__DailyBudgets__&lt;requestedBy&gt;</c>.</summary>
    public Dictionary<string, long> DailyBudgets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Before a grant, the account's remaining credits must cover the report's estimate plus those of the reports in
    /// flight, else it waits, <c>Credits__AccountGuard</c> (default true).
    /// </summary>
    public bool AccountGuard { get; set; } = true;

    /// <summary>How long a reading of the account's credits is used before the provider is asked again (shared by every instance), <c>Credits__AccountCacheFor</c>.</summary>
    public TimeSpan AccountCacheFor { get; set; } = TimeSpan.FromSeconds(30);
}
