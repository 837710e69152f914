using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.EndToEndBench.Tracking;

/// <summary>
/// The reports of one run, in publish order: when each was published, when its first terminal event arrived, and how
/// many terminal events it got (more than one is a bug the run reports). Times are Stopwatch timestamps.
/// </summary>
internal sealed class ReportTracker
{
    public const int PublishesInFlight = 16;

    private readonly Dictionary<Guid, int> _indexById;
    private readonly long[] _publishedAt;
    private readonly long[] _endedAt;
    private readonly int[] _ends;
    private readonly string?[] _failures;
    private int _published;
    private int _ended;
    private long _lastEndAt;

    public ReportTracker(string runName, int count)
    {
        RunName = runName;
        Ids = Enumerable.Range(0, count).Select(_ => NewId.NextGuid()).ToArray();
        _indexById = Ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        _publishedAt = new long[count];
        _endedAt = new long[count];
        _ends = new int[count];
        _failures = new string?[count];
    }

    /// <summary>A name unique to the run; each report's <c>report_name</c> is <c>{RunName}-{index}</c>.</summary>
    public string RunName { get; }

    public IReadOnlyList<Guid> Ids { get; }

    public int Count => Ids.Count;

    public int Published => Volatile.Read(ref _published);

    public int Ended => Volatile.Read(ref _ended);

    public long FirstPublishAt => _publishedAt[0];

    /// <summary>From the first publish to the last one's confirmation by the broker.</summary>
    public TimeSpan PublishingTime { get; private set; }

    public long LastEndAt => Volatile.Read(ref _lastEndAt);

    /// <summary>The request for report <paramref name="index"/>: a small valid body the simulator accepts.</summary>
    public RequestReport Request(int index) => new()
    {
        RequestId = Ids[index],
        Report = ReportBody(ReportName(index)),
        MaxCredits = null,
        RequestedBy = "end-to-end benchmark",
    };

    public string ReportName(int index) => $"{RunName}-{index}";

    /// <summary>The publish index of a report name this run gave, or -1.</summary>
    public int IndexOfName(string? reportName) =>
        reportName is not null && reportName.StartsWith(RunName + "-", StringComparison.Ordinal)
        && int.TryParse(reportName.AsSpan(RunName.Length + 1), out var index) && index < Count
            ? index
            : -1;

    /// <summary>
    /// Publishes every request in index order, at most <see cref="PublishesInFlight"/> awaiting the broker's
    /// confirmation at once: one at a time would cap the run at one publish round trip per report, and a small window
    /// keeps publish order close to index order (the first-come-first-served check allows for the difference).
    /// </summary>
    public async Task PublishAllAsync(IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var window = new SemaphoreSlim(PublishesInFlight); // no wait handle, nothing to dispose
        var pending = new List<Task>(Count);
        for (var i = 0; i < Count; i++)
        {
            await window.WaitAsync(cancellationToken);
            _publishedAt[i] = Stopwatch.GetTimestamp();
            pending.Add(PublishOneAsync(publisher, Request(i), window, cancellationToken));
        }

        await Task.WhenAll(pending);
        PublishingTime = Stopwatch.GetElapsedTime(_publishedAt[0]);
    }

    private async Task PublishOneAsync(IPublishEndpoint publisher, RequestReport request, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.Publish(request, cancellationToken);
            Interlocked.Increment(ref _published);
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>Records a terminal event; ignores events of other runs.</summary>
    public void RecordEnd(Guid requestId, string? failureReason)
    {
        if (!_indexById.TryGetValue(requestId, out var index))
            return;
        var now = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _ends[index]) != 1)
            return;
        _endedAt[index] = now;
        _failures[index] = failureReason;
        Interlocked.Increment(ref _ended);
        // Terminal events of one run arrive on several threads: keep the latest.
        long seen;
        while ((seen = Volatile.Read(ref _lastEndAt)) < now && Interlocked.CompareExchange(ref _lastEndAt, now, seen) != seen)
        {
        }
    }

    /// <summary>Seconds from publish to the first terminal event, of every report that ended.</summary>
    public double[] LatenciesSeconds() =>
        Enumerable.Range(0, Count).Where(i => _ends[i] > 0)
            .Select(i => Stopwatch.GetElapsedTime(_publishedAt[i], _endedAt[i]).TotalSeconds).ToArray();

    public long PublishedAt(int index) => _publishedAt[index];

    /// <summary>Reports with no terminal event, ended more than once, or ended with a failure (the simulator completes all).</summary>
    public TrackerProblems Problems()
    {
        var all = Enumerable.Range(0, Count).ToList();
        return new TrackerProblems(
            Count,
            all.Where(i => Volatile.Read(ref _ends[i]) == 0).Select(i => $"#{i} {Ids[i]}").ToList(),
            all.Where(i => Volatile.Read(ref _ends[i]) > 1).Select(i => $"#{i} {Ids[i]} ({_ends[i]} ends)").ToList(),
            all.Where(i => _failures[i] is not null).Select(i => $"#{i} {_failures[i]}").ToList());
    }

    private static JsonElement ReportBody(string reportName) => JsonSerializer.SerializeToElement(new
    {
        report_name = reportName,
        delivery_information = new { response_format = "csv", delivery_method = "download_link" },
        report_query = new
        {
            tables = new[]
            {
                new
                {
                    vtable = "traffic_and_engagement",
                    granularity = "monthly",
                    filters = new { domains = new[] { "example.com" }, countries = new[] { "WW" } },
                    metrics = new[] { "all_traffic_visits" },
                    start_date = "2024-01",
                    end_date = "2024-03",
                },
            },
        },
    });
}

/// <summary>What went wrong in a run, each report named by publish index and request id (or failure reason).</summary>
internal sealed record TrackerProblems(int Count, List<string> Missing, List<string> Repeated, List<string> Failed)
{
    public bool Any => Missing.Count > 0 || Repeated.Count > 0 || Failed.Count > 0;

    public string Describe()
    {
        var lines = new List<string>();
        if (Missing.Count > 0)
            lines.Add($"{Missing.Count} of {Count} reports got no terminal event, e.g. {string.Join(", ", Missing.Take(5))}");
        if (Repeated.Count > 0)
            lines.Add($"{Repeated.Count} reports ended more than once, e.g. {string.Join(", ", Repeated.Take(5))}");
        if (Failed.Count > 0)
            lines.Add($"{Failed.Count} reports failed although the simulator completes every report, e.g. {string.Join(", ", Failed.Take(5))}");
        return string.Join(Environment.NewLine, lines);
    }
}
