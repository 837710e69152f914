using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ReportSaga.Simulator;

/// <summary>
/// Everything the simulator remembers: accounts (credits per key), reports, call counters and marker counters.
/// Thread-safe; tests read it to assert what the provider saw (e.g. one submission per report).
/// </summary>
public sealed class SimulatorState
{
    private readonly int[] _calls = new int[Enum.GetValues<SimulatorEndpoint>().Length];
    private readonly ConcurrentDictionary<string, KeyAccount> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedReport> _reports = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimulatedReport> _submissionOrder = new();
    private readonly ConcurrentDictionary<(SimulatorEndpoint, string), StrongBox<int>> _callsByName = new();

    public SimulatorState(SimulatorOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AcceptedApiKeys().Count == 0)
        {
            throw new ArgumentException("Simulator:ApiKeys must name at least one key.", nameof(options));
        }

        if (options.ProcessingTime < TimeSpan.Zero || options.MaxPendingReportsPerKey < 1)
        {
            throw new ArgumentException("Simulator:ProcessingTime must not be negative and Simulator:MaxPendingReportsPerKey must be at least 1.", nameof(options));
        }

        Options = options;
        Time = time ?? TimeProvider.System;
        AcceptedKeys = options.AcceptedApiKeys();
        Downloads = new DownloadLinks(options.DownloadLinkLifetime);
    }

    public SimulatorOptions Options { get; }

    /// <summary>The clock that drives report lifecycles and download link expiry.</summary>
    public TimeProvider Time { get; }

    internal IReadOnlySet<string> AcceptedKeys { get; }

    internal DownloadLinks Downloads { get; }

    /// <summary>How many requests reached an endpoint (every request, whatever it was answered).</summary>
    public int CallCount(SimulatorEndpoint endpoint) => Volatile.Read(ref _calls[(int)endpoint]);

    /// <summary>Sets every call counter back to zero (reports and credits are kept).</summary>
    public void ResetCallCounts()
    {
        for (var i = 0; i < _calls.Length; i++)
        {
            Interlocked.Exchange(ref _calls[i], 0);
        }
    }

    /// <summary>Every report created so far, in submission order, with its status now.</summary>
    public IReadOnlyList<SubmittedReport> SubmittedReports()
    {
        var now = Time.GetUtcNow();
        return _submissionOrder.Select(r => r.Snapshot(now)).ToArray();
    }

    /// <summary>How many reports were created with exactly this <c>report_name</c>.</summary>
    public int SubmissionCount(string reportName) =>
        _submissionOrder.Count(r => string.Equals(r.Request.ReportName, reportName, StringComparison.Ordinal));

    /// <summary>One report with its status now, or null when no report has that id.</summary>
    public SubmittedReport? FindReport(string reportId) =>
        _reports.TryGetValue(reportId, out var report) ? report.Snapshot(Time.GetUtcNow()) : null;

    /// <summary>How many status calls reached one report (0 when no report has that id): unlike <see cref="CallCount"/>, blind to calls about other reports.</summary>
    public int StatusCallCount(string reportId) => _reports.TryGetValue(reportId, out var report) ? report.StatusCalls : 0;

    /// <summary>The remaining credits of a key, after charging every report that reached processing by now.</summary>
    public long RemainingCredits(string apiKey)
    {
        var account = Account(apiKey);
        Settle(account);
        return account.Credits;
    }

    /// <summary>Adds credits to a key's account (a top-up; negative takes them away), as the provider's billing would.</summary>
    public void AddCredits(string apiKey, long credits) => Account(apiKey).Charge(-credits);

    internal int CountCall(SimulatorEndpoint endpoint) => Interlocked.Increment(ref _calls[(int)endpoint]);

    /// <summary>Counts a call for a report name; the result is the call's 1-based number.</summary>
    internal int CountCallFor(SimulatorEndpoint endpoint, string? reportName)
    {
        var box = _callsByName.GetOrAdd((endpoint, reportName ?? ""), static _ => new StrongBox<int>());
        return Interlocked.Increment(ref box.Value);
    }

    internal KeyAccount Account(string apiKey) =>
        _accounts.GetOrAdd(apiKey, static (_, credits) => new KeyAccount(credits), Options.InitialCredits);

    internal SimulatedReport? Find(string reportId, string apiKey) =>
        _reports.TryGetValue(reportId, out var report) && report.ApiKey == apiKey ? report : null;

    internal SimulatedReport? Find(string reportId) => _reports.GetValueOrDefault(reportId);

    /// <summary>Lifecycles charge lazily, when observed: observe every report of the account so the balance is current.</summary>
    internal void Settle(KeyAccount account)
    {
        var now = Time.GetUtcNow();
        foreach (var report in account.Reports())
        {
            report.Lifecycle.Observe(now);
        }
    }

    internal SubmissionDecision TrySubmit(string apiKey, ValidatedReport request, out SimulatedReport? created)
    {
        created = null;
        var account = Account(apiKey);
        lock (account.SubmissionGate)
        {
            var now = Time.GetUtcNow();
            var reports = account.Reports();
            var unfinished = 0;
            foreach (var report in reports)
            {
                if (!report.Lifecycle.Observe(now).IsFinished)
                {
                    unfinished++;
                }
            }

            if (unfinished >= Options.MaxPendingReportsPerKey)
            {
                return SubmissionDecision.TooManyPending;
            }

            if (request.EstimatedCredits > account.Credits)
            {
                return SubmissionDecision.InsufficientCredits;
            }

            var id = Guid.NewGuid().ToString();
            created = new SimulatedReport(id, apiKey, request, now, Options.ProcessingTime, account.Charge);
            _reports[id] = created;
            account.Add(created);
            _submissionOrder.Enqueue(created);
            return SubmissionDecision.Created;
        }
    }
}

internal enum SubmissionDecision
{
    Created,
    TooManyPending,
    InsufficientCredits,
}
