using System.Collections.Concurrent;

namespace ReportSaga.Service.Demo;

/// <summary>What the demo knows of each report, from the events a subscriber receives. Thread-safe.</summary>
public sealed class DemoBoard
{
    private readonly ConcurrentDictionary<Guid, DemoRow> _rows = new();
    private readonly List<Guid> _order = [];
    private readonly Lock _orderLock = new();

    public void Add(Guid requestId, string label, string expectedEnding)
    {
        _rows[requestId] = new DemoRow(requestId, label, expectedEnding);
        lock (_orderLock)
            _order.Add(requestId);
    }

    public void Update(Guid requestId, Func<DemoRow, DemoRow> change)
    {
        while (_rows.TryGetValue(requestId, out var row))
        {
            if (_rows.TryUpdate(requestId, change(row), row))
                return;
        }
    }

    public IReadOnlyList<DemoRow> Rows()
    {
        lock (_orderLock)
            return _order.Select(id => _rows[id]).ToList();
    }

    public bool AllEnded => Rows().All(r => r.Ended);
}

/// <summary>One report on the demo's board.</summary>
public sealed record DemoRow(Guid RequestId, string Label, string ExpectedEnding)
{
    public string Step { get; init; } = "requested";
    public string? ProviderStatus { get; init; }
    public long? EstimatedCredits { get; init; }
    public long? UsedQuota { get; init; }
    public int Polls { get; init; }
    public string? Ending { get; init; }
    public string? DownloadUrl { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Every step the report went through, in order, for the summary.</summary>
    public IReadOnlyList<string> Path { get; init; } = ["requested"];

    public bool Ended => Ending is not null;

    public DemoRow Moved(string step) => this with { Step = step, Path = [.. Path, step] };
}
