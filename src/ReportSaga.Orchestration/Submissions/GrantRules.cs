namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// How one grant pass shares the free submission slots: the cap, fair share between requesters (weights, a cap per
/// requester), the daily credit budgets, and the account's credits left for new submissions.
/// </summary>
public sealed record GrantRules(int MaxInFlight)
{
    /// <summary>
    /// True: within a priority, free slots go round-robin to the requesters with waiting reports, the one holding the
    /// fewest slots for its weight first. False: first come, first served within a priority.
    /// </summary>
    public bool FairShare { get; init; } = true;

    /// <summary>A requester's weight (default 1): with weight 2 it holds twice the slots of a weight-1 requester.</summary>
    public IReadOnlyDictionary<string, int> Weights { get; init; } = new Dictionary<string, int>();

    /// <summary>The most slots one requester may hold at once; null for no cap but <see cref="MaxInFlight"/>.</summary>
    public int? MaxInFlightPerRequester { get; init; }

    /// <summary>Credits a requester may spend per UTC day, by requester.</summary>
    public IReadOnlyDictionary<string, long> DailyBudgets { get; init; } = new Dictionary<string, long>();

    /// <summary>The daily budget of a requester not in <see cref="DailyBudgets"/>; null for none.</summary>
    public long? DefaultDailyBudget { get; init; }

    /// <summary>
    /// The account's remaining credits (read from the provider, cached); the estimates of granted, unfinished reports
    /// are set against it. Null: the account guard is off or the credits are unknown, and nothing is held for them.
    /// </summary>
    public long? AccountCredits { get; init; }

    /// <summary>Whether any budget applies (spend is then read and charged).</summary>
    public bool HasBudgets => DefaultDailyBudget is not null || DailyBudgets.Count > 0;

    public int WeightOf(string requester) => Weights.TryGetValue(requester, out var weight) ? weight : 1;

    /// <summary>The requester's daily budget and the setting that gave it, or null.</summary>
    public (long Credits, string Setting)? BudgetOf(string requester) =>
        DailyBudgets.TryGetValue(requester, out var own) ? (own, $"Credits__DailyBudgets__{requester}")
        : DefaultDailyBudget is { } fallback ? (fallback, "Credits__DefaultDailyBudget")
        : null;
}

/// <summary>What one grant pass did.</summary>
/// <param name="Granted">Reports that now hold a slot.</param>
/// <param name="Refused">Reports over their requester's daily budget: told like a grant, they end with credit_budget_exceeded.</param>
/// <param name="Held">A report newly held because the account's credits do not cover it (told once).</param>
public sealed record GrantPass(IReadOnlyList<SubmissionGrant> Granted, IReadOnlyList<SubmissionGrant> Refused, IReadOnlyList<HeldForCredits> Held)
{
    public static GrantPass Empty { get; } = new([], [], []);
}

/// <summary>A report waiting because the account's credits do not cover its estimate plus those of reports in flight.</summary>
public sealed record HeldForCredits(Guid RequestId, string? TraceParent, long EstimatedCredits, long AvailableCredits);
