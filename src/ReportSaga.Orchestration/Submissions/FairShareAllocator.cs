namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Decides one grant pass from the gate's facts, in memory: the waiting candidates (the first few of each requester
/// in each priority), the slots each requester holds, today's spend and the credits in flight. Pure, so every store
/// (the database, the test harness's memory) shares one set of rules.
/// </summary>
/// <remarks>
/// Higher priority first. Within a priority, with fair share, each free slot goes to the requester holding the fewest
/// slots for its weight (held / weight; ties to the requester whose next report is oldest), which is round-robin while
/// slots are handed out and keeps shares even as reports end; within a requester, oldest first. A requester at
/// <see cref="GrantRules.MaxInFlightPerRequester"/> is passed over. A report whose estimate does not fit its
/// requester's budget for today is refused (it takes no slot); one the account's credits do not cover stops the pass
/// and is held, so nothing behind it overtakes it.
/// </remarks>
public static class FairShareAllocator
{
    /// <summary>Decides the pass. <paramref name="candidates"/> come in line order (oldest first; ties as the store breaks them).</summary>
    public static IReadOnlyList<SlotOutcome> Decide(
        GrantRules rules,
        IReadOnlyList<SubmissionEntry> candidates,
        IReadOnlyDictionary<string, int> holding,
        IReadOnlyDictionary<string, long> spentToday,
        long creditsInFlight)
    {
        var outcomes = new List<SlotOutcome>();
        var held = new Dictionary<string, int>(holding, StringComparer.Ordinal);
        var spent = new Dictionary<string, long>(spentToday, StringComparer.Ordinal);
        var free = rules.MaxInFlight - held.Values.Sum();
        long? available = rules.AccountCredits is { } account ? account - creditsInFlight : null;

        foreach (var level in candidates.GroupBy(x => x.PriorityRank).OrderByDescending(x => x.Key))
        {
            // Each requester's reports in the order given, with their place in that order to break ties between requesters.
            var queues = level.Select((entry, place) => (Entry: entry, Place: place)).GroupBy(x => x.Entry.RequestedBy, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Queue<(SubmissionEntry Entry, int Place)>(g), StringComparer.Ordinal);
            while (free > 0 && Next(rules, queues, held) is { } requester)
            {
                var entry = queues[requester].Dequeue().Entry;
                if (rules.BudgetOf(requester) is { } budget)
                {
                    var already = spent.GetValueOrDefault(requester);
                    if (already + entry.EstimatedCredits > budget.Credits)
                    {
                        outcomes.Add(new SlotOutcome(entry, SlotDecisionKind.Refused, BudgetRefusal(entry, requester, budget.Credits, already, budget.Setting)));
                        continue;
                    }
                }

                if (available is { } left && entry.EstimatedCredits > left)
                {
                    outcomes.Add(new SlotOutcome(entry, SlotDecisionKind.None, AvailableCredits: left));
                    return outcomes;
                }

                outcomes.Add(new SlotOutcome(entry, SlotDecisionKind.Granted));
                held[requester] = held.GetValueOrDefault(requester) + 1;
                spent[requester] = spent.GetValueOrDefault(requester) + entry.EstimatedCredits;
                available -= entry.EstimatedCredits;
                free--;
            }
        }

        return outcomes;
    }

    /// <summary>The requester whose report goes next in this priority, or null when none may have one.</summary>
    private static string? Next(GrantRules rules, Dictionary<string, Queue<(SubmissionEntry Entry, int Place)>> queues, Dictionary<string, int> held)
    {
        string? best = null;
        foreach (var (requester, queue) in queues)
        {
            if (queue.Count == 0 || rules.MaxInFlightPerRequester is { } cap && held.GetValueOrDefault(requester) >= cap)
                continue;
            if (best is null || Before(rules, requester, queue.Peek(), best, queues[best].Peek(), held))
                best = requester;
        }

        return best;
    }

    private static bool Before(GrantRules rules, string a, (SubmissionEntry Entry, int Place) headA, string b, (SubmissionEntry Entry, int Place) headB, Dictionary<string, int> held)
    {
        if (rules.FairShare)
        {
            // held(a) / weight(a) against held(b) / weight(b), without division.
            var loadA = (long)held.GetValueOrDefault(a) * rules.WeightOf(b);
            var loadB = (long)held.GetValueOrDefault(b) * rules.WeightOf(a);
            if (loadA != loadB)
                return loadA < loadB;
        }

        return headA.Entry.QueuedAt != headB.Entry.QueuedAt ? headA.Entry.QueuedAt < headB.Entry.QueuedAt : headA.Place < headB.Place;
    }

    private static string BudgetRefusal(SubmissionEntry entry, string requester, long budget, long spent, string setting) =>
        $"The provider estimated {entry.EstimatedCredits} credits, above what {Name(requester)}'s daily credit budget has left today " +
        $"({Math.Max(0, budget - spent)} of {budget}, {setting}; the budget renews at 00:00 UTC).";

    private static string Name(string requester) => requester.Length == 0 ? "requests without requestedBy" : $"requester \"{requester}\"";
}

/// <summary>
/// One report's outcome in a pass: granted, refused (with the budget's reason), or held for the account's credits
/// (<see cref="SlotDecisionKind.None"/> with <see cref="AvailableCredits"/>).
/// </summary>
public sealed record SlotOutcome(SubmissionEntry Entry, SlotDecisionKind Kind, string? Reason = null, long? AvailableCredits = null);
