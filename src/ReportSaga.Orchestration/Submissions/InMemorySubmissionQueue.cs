using MassTransit;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The submission gate in process memory, for MassTransit's test harness with in-memory saga repositories. Not for a
/// service: a restart forgets the line and the day's spend. The service uses the database-backed gate; both decide
/// with <see cref="FairShareAllocator"/>.
/// </summary>
public sealed class InMemorySubmissionQueue(TimeProvider time, ILoadSagaRepository<ReportState> sagas) : ISubmissionQueue, ISubmissionGrants
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    // One line per priority and requester; ties in time go by arrival: a test's fake clock may give every report the same time.
    private readonly Dictionary<(int Rank, string RequestedBy), SortedSet<(DateTimeOffset QueuedAt, long Arrival, Guid RequestId)>> _waiting = [];
    private readonly Dictionary<Guid, (string RequestedBy, DateOnly Day, long Credits)> _charges = [];
    private long _arrivals;

    public Task EnqueueAsync(SubmissionEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var arrival = ++_arrivals;
            if (_entries.TryAdd(entry.RequestId, new Entry(entry, arrival)))
                LineOf(entry).Add((entry.QueuedAt, arrival, entry.RequestId));
        }
        return Task.CompletedTask;
    }

    public Task<SlotDecision> ClaimDecisionAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(requestId, out var entry) || entry.DecidedAt is null)
                return Task.FromResult(SlotDecision.None);
            entry.Claimed = true;
            return Task.FromResult(entry.Refusal is null ? SlotDecision.Granted : new SlotDecision(SlotDecisionKind.Refused, entry.Refusal));
        }
    }

    public Task CorrectChargeAsync(Guid requestId, long credits, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_charges.TryGetValue(requestId, out var charge))
                _charges[requestId] = charge with { Credits = credits };
        }
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_entries.Remove(requestId, out var entry) && entry.DecidedAt is null)
                LineOf(entry.Value).Remove((entry.Value.QueuedAt, entry.Arrival, requestId));
        }
        return Task.CompletedTask;
    }

    public Task<GrantPass> GrantAsync(GrantRules rules, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var holders = _entries.Values.Where(x => x.DecidedAt is not null && x.Refusal is null).ToList();
            var holding = holders.GroupBy(x => x.Value.RequestedBy).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var free = rules.MaxInFlight - holders.Count;
            if (free <= 0)
                return Task.FromResult(GrantPass.Empty);

            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            // The first `free` of each line are enough: no requester can be granted more in one pass.
            var candidates = _waiting.Values.SelectMany(line => line.Take(free)).Order()
                .Select(x => _entries[x.RequestId].Value).ToList();
            var spent = _charges.Values.Where(x => x.Day == today).GroupBy(x => x.RequestedBy)
                .ToDictionary(g => g.Key, g => g.Sum(x => x.Credits), StringComparer.Ordinal);
            var inFlight = holders.Sum(x => x.Value.EstimatedCredits);

            var granted = new List<SubmissionGrant>();
            var refused = new List<SubmissionGrant>();
            var held = new List<HeldForCredits>();
            foreach (var outcome in FairShareAllocator.Decide(rules, candidates, holding, spent, inFlight))
            {
                var entry = _entries[outcome.Entry.RequestId];
                if (outcome.Kind == SlotDecisionKind.None)
                {
                    if (!entry.HeldNotified)
                    {
                        entry.HeldNotified = true;
                        held.Add(new HeldForCredits(entry.Value.RequestId, entry.Value.TraceParent, entry.Value.EstimatedCredits, outcome.AvailableCredits ?? 0));
                    }
                    continue;
                }

                LineOf(entry.Value).Remove((entry.Value.QueuedAt, entry.Arrival, entry.Value.RequestId));
                entry.DecidedAt = now;
                var grant = new SubmissionGrant(entry.Value.RequestId, entry.Value.TraceParent);
                if (outcome.Kind == SlotDecisionKind.Refused)
                {
                    entry.Refusal = outcome.Reason;
                    refused.Add(grant);
                }
                else
                {
                    _charges[entry.Value.RequestId] = (entry.Value.RequestedBy, today, entry.Value.EstimatedCredits);
                    granted.Add(grant with { SubmitStepToken = entry.Value.SubmitStepToken });
                }
            }

            return Task.FromResult(new GrantPass(granted, refused, held));
        }
    }

    public async Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default)
    {
        List<SubmissionGrant> candidates;
        lock (_lock)
        {
            candidates = _entries.Values
                .Where(x => x.DecidedAt < grantedBefore && !x.Claimed)
                .Select(x => new SubmissionGrant(x.Value.RequestId, x.Value.TraceParent, x.Refusal is null ? x.Value.SubmitStepToken : null))
                .ToList();
        }

        // A grant sent as SubmitReport is never claimed by the saga: it was lost only while its report is still
        // queued (granted entries hold slots, so there are at most MaxInFlight of these to look at).
        var unclaimed = new List<SubmissionGrant>();
        foreach (var grant in candidates)
        {
            if (unclaimed.Count == limit)
                break;
            if (grant.SubmitStepToken is null || await sagas.Load(grant.RequestId) is { CurrentState: ReportStates.Queued })
                unclaimed.Add(grant);
        }
        return unclaimed;
    }

    public Task<bool> IsGrantedAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(_entries.TryGetValue(requestId, out var entry) && entry.DecidedAt is not null && entry.Refusal is null);
    }

    public Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var waiting = _waiting.Values.SelectMany(x => x).ToList();
            return Task.FromResult(new SubmissionGateCounts(
                _entries.Values.Count(x => x.DecidedAt is not null && x.Refusal is null),
                waiting.Count,
                waiting.Count > 0 ? waiting.Min(x => x.QueuedAt) : null));
        }
    }

    private SortedSet<(DateTimeOffset QueuedAt, long Arrival, Guid RequestId)> LineOf(SubmissionEntry entry)
    {
        if (!_waiting.TryGetValue((entry.PriorityRank, entry.RequestedBy), out var line))
            _waiting[(entry.PriorityRank, entry.RequestedBy)] = line = [];
        return line;
    }

    private sealed class Entry(SubmissionEntry value, long arrival)
    {
        public SubmissionEntry Value { get; } = value;
        public long Arrival { get; } = arrival;
        public DateTimeOffset? DecidedAt { get; set; }
        public string? Refusal { get; set; }
        public bool Claimed { get; set; }
        public bool HeldNotified { get; set; }
    }
}
