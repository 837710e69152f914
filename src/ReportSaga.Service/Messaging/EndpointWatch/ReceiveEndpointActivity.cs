namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>
/// The last thing each receive endpoint did (consuming, or not and why), and when, so the watchdog can tell an endpoint
/// that waits for the broker from one that stopped trying. Thread-safe; its clock is the one it is given.
/// </summary>
/// <remarks>
/// A receive endpoint that lost its channel reports <c>Completed</c> or <c>Faulted</c> and then, while it retries,
/// <c>Faulted</c> again at every failed attempt (MassTransit waits at most 30 seconds between attempts) until it is
/// <c>Ready</c>. One that goes silent while not ready, although the broker answers, is wedged. (While the connection
/// itself cannot be opened, MassTransit may not report each attempt either: hence the watchdog's own probe.)
/// </remarks>
public sealed class ReceiveEndpointActivity(TimeProvider time)
{
    private const string CompletedReport = "completed (its channel closed or it was stopped)";
    private const string NoConsumerReport = "ready, but the broker lists no consumer on its queue";

    private readonly Dictionary<Uri, Entry> _endpoints = [];
    private IReadOnlyList<StuckEndpoint> _wedged = [];

    /// <summary>The endpoint consumes again.</summary>
    public void Ready(Uri endpoint) => Record(endpoint, ready: true, "ready");

    /// <summary>The endpoint stopped consuming or failed an attempt to start; <paramref name="what"/> says which.</summary>
    public void NotReady(Uri endpoint, string what) => Record(endpoint, ready: false, what);

    /// <summary>The endpoint finished: it consumes no more and every message it was handling is done.</summary>
    public void Completed(Uri endpoint) => Record(endpoint, ready: false, CompletedReport);

    /// <summary>
    /// Whether every endpoint but <paramref name="except"/> has completed at or after <paramref name="since"/>: during
    /// a stop, nothing is left in hand but on those.
    /// </summary>
    public bool AllCompletedSince(DateTimeOffset since, IReadOnlyCollection<Uri> except)
    {
        lock (_endpoints)
            return _endpoints.Where(e => !except.Contains(e.Key)).All(e => e.Value.What == CompletedReport && e.Value.Since >= since);
    }

    /// <summary>The endpoint was removed from the bus on purpose and is no longer watched.</summary>
    public void Forget(Uri endpoint)
    {
        lock (_endpoints)
            _endpoints.Remove(endpoint);
    }

    /// <summary>
    /// The endpoints that are not consuming and have reported nothing for at least <paramref name="limit"/>. While the
    /// broker is down that is expected; while it answers, they will not come back by themselves.
    /// </summary>
    public IReadOnlyList<StuckEndpoint> FindSilent(TimeSpan limit)
    {
        var now = time.GetUtcNow();
        lock (_endpoints)
        {
            return _endpoints
                .Where(e => !e.Value.IsReady && now - e.Value.Since >= limit)
                .Select(e => new StuckEndpoint(e.Key, e.Value.What, now - e.Value.Since))
                .OrderBy(e => e.Endpoint.ToString(), StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>The endpoints the watchdog found wedged (silent although the broker answers); empty until then.</summary>
    public IReadOnlyList<StuckEndpoint> Wedged
    {
        get
        {
            lock (_endpoints)
                return _wedged;
        }
    }

    /// <summary>Records what the watchdog found wedged.</summary>
    public void MarkWedged(IReadOnlyList<StuckEndpoint> wedged)
    {
        lock (_endpoints)
            _wedged = wedged;
    }

    /// <summary>The watched endpoints and whether each is taken to be consuming, with the time that was last decided.</summary>
    public IReadOnlyList<(Uri Endpoint, bool IsReady, DateTimeOffset Since)> Snapshot()
    {
        lock (_endpoints)
            return _endpoints.Select(e => (e.Key, e.Value.IsReady, e.Value.Since)).ToList();
    }

    /// <summary>
    /// Takes the broker's consumer counts, read after <paramref name="askedAt"/>, into account: an endpoint the bus calls
    /// ready whose queue has no consumer is not consuming (its channel went without the bus noticing), unless the bus
    /// reported on it since; one set so by this whose queue has a consumer again is ready.
    /// </summary>
    public void Reconcile(IReadOnlyDictionary<string, uint> consumerCounts, DateTimeOffset askedAt)
    {
        var now = time.GetUtcNow();
        lock (_endpoints)
        {
            foreach (var (endpoint, entry) in _endpoints.ToList())
            {
                if (!consumerCounts.TryGetValue(QueueOf(endpoint), out var consumers))
                    continue;
                if (entry.IsReady && consumers == 0 && entry.Since <= askedAt)
                    _endpoints[endpoint] = new Entry(false, NoConsumerReport, now);
                else if (entry.What == NoConsumerReport && consumers > 0)
                    _endpoints[endpoint] = new Entry(true, "ready", now);
            }
        }
    }

    /// <summary>The queue a receive endpoint consumes: the last segment of its address.</summary>
    public static string QueueOf(Uri endpoint) => Uri.UnescapeDataString(endpoint.AbsolutePath.TrimEnd('/').Split('/')[^1]);

    /// <summary>How many endpoints consume now, of how many that have reported anything.</summary>
    public (int Consuming, int Watched) Count()
    {
        lock (_endpoints)
            return (_endpoints.Values.Count(e => e.IsReady), _endpoints.Count);
    }

    private void Record(Uri endpoint, bool ready, string what)
    {
        // The bus's own temporary endpoint (responses to requests this process makes) holds none of the service's
        // work, and MassTransit reports it only when the bus starts: watched, it would look ready forever.
        if (IsTemporary(endpoint))
            return;
        var now = time.GetUtcNow();
        lock (_endpoints)
            _endpoints[endpoint] = new Entry(ready, what, now);
    }

    private static bool IsTemporary(Uri endpoint) =>
        endpoint.Query.TrimStart('?').Split('&').Contains("temporary=true", StringComparer.OrdinalIgnoreCase);

    private readonly record struct Entry(bool IsReady, string What, DateTimeOffset Since);
}

/// <summary>A receive endpoint that is not consuming, the last thing it reported, and how long ago.</summary>
public sealed record StuckEndpoint(Uri Endpoint, string LastReport, TimeSpan SilentFor);
