namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The submission gate in process memory, for MassTransit's test harness with in-memory saga repositories. Not for a
/// service: a restart forgets the line. The service uses the database-backed gate.
/// </summary>
public sealed class InMemorySubmissionQueue(TimeProvider time) : ISubmissionQueue, ISubmissionGrants
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    // Ties in time go by arrival: a test's fake clock may give every report the same time.
    private readonly SortedSet<(DateTimeOffset QueuedAt, long Arrival, Guid RequestId)> _waiting = [];
    private long _arrivals;
    private int _granted;

    public Task EnqueueAsync(Guid requestId, DateTimeOffset queuedAt, string? traceParent, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var arrival = ++_arrivals;
            if (_entries.TryAdd(requestId, new Entry(queuedAt, arrival, traceParent)))
                _waiting.Add((queuedAt, arrival, requestId));
        }
        return Task.CompletedTask;
    }

    public Task<bool> ClaimGrantAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(requestId, out var entry) || entry.GrantedAt is null)
                return Task.FromResult(false);
            entry.Claimed = true;
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_entries.Remove(requestId, out var entry))
            {
                if (entry.GrantedAt is null)
                    _waiting.Remove((entry.QueuedAt, entry.Arrival, requestId));
                else
                    _granted--;
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SubmissionGrant>> GrantAsync(int maxInFlight, CancellationToken cancellationToken = default)
    {
        var granted = new List<SubmissionGrant>();
        lock (_lock)
        {
            var now = time.GetUtcNow();
            while (_granted < maxInFlight && _waiting.Count > 0)
            {
                var next = _waiting.Min;
                _waiting.Remove(next);
                var entry = _entries[next.RequestId];
                entry.GrantedAt = now;
                _granted++;
                granted.Add(new SubmissionGrant(next.RequestId, entry.TraceParent));
            }
        }
        return Task.FromResult<IReadOnlyList<SubmissionGrant>>(granted);
    }

    public Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<SubmissionGrant> unclaimed = _entries
                .Where(x => x.Value.GrantedAt < grantedBefore && !x.Value.Claimed)
                .Select(x => new SubmissionGrant(x.Key, x.Value.TraceParent)).Take(limit).ToList();
            return Task.FromResult(unclaimed);
        }
    }

    public Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(new SubmissionGateCounts(_granted, _waiting.Count, _waiting.Count > 0 ? _waiting.Min.QueuedAt : null));
    }

    private sealed class Entry(DateTimeOffset queuedAt, long arrival, string? traceParent)
    {
        public string? TraceParent { get; } = traceParent;
        public DateTimeOffset QueuedAt { get; } = queuedAt;
        public long Arrival { get; } = arrival;
        public DateTimeOffset? GrantedAt { get; set; }
        public bool Claimed { get; set; }
    }
}
