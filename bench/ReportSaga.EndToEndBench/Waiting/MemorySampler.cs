using System.Diagnostics;
using System.Globalization;
using ReportSaga.EndToEndBench.Service;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>
/// The service processes' resident memory (VmRSS, summed over instances) every second, and, when
/// <c>dotnet-counters</c> is installed (on PATH or in ~/.dotnet/tools), the GC heap after each collection and the
/// committed GC memory from the runtime's own counters (<c>dotnet-counters collect</c>, one per process, CSV).
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private const string HeapCounter = "dotnet.gc.last_collection.heap.size";
    private const string CommittedCounter = "dotnet.gc.last_collection.memory.committed_size";

    private readonly IReadOnlyList<ServiceProcess> _services;
    private readonly List<(TimeSpan At, long Bytes)> _resident = [];
    private readonly List<(Process Process, string File)> _counters = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private MemorySampler(IReadOnlyList<ServiceProcess> services, TimeSpan duration)
    {
        _services = services;
        if (Tool.Find("dotnet-counters") is { } tool)
        {
            foreach (var service in services)
            {
                var file = Path.Combine(Path.GetTempPath(), $"reportsaga-bench-counters-{service.ProcessId}.csv");
                File.Delete(file);
                var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var argument in (string[])["collect", "-p", service.ProcessId.ToString(CultureInfo.InvariantCulture),
                             "--counters", $"System.Runtime[{HeapCounter},{CommittedCounter}]", "--refresh-interval", "1",
                             "--format", "csv", "-o", file, "--duration", (duration + TimeSpan.FromSeconds(5)).ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture)])
                    start.ArgumentList.Add(argument);
                var process = Process.Start(start)!;
                process.StandardOutput.ReadToEndAsync();
                process.StandardError.ReadToEndAsync();
                _counters.Add((process, file));
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public bool HasGcCounters => _counters.Count > 0;

    /// <summary>Resident memory of all instances together, every second since the sampler started.</summary>
    public IReadOnlyList<(TimeSpan At, long Bytes)> Resident
    {
        get
        {
            lock (_resident)
                return _resident.ToArray();
        }
    }

    public long Latest
    {
        get
        {
            lock (_resident)
                return _resident.Count == 0 ? 0 : _resident[^1].Bytes;
        }
    }

    public static MemorySampler Start(IReadOnlyList<ServiceProcess> services, TimeSpan duration) => new(services, duration);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var bytes = 0L;
            foreach (var service in _services)
            {
                if (!service.HasExited)
                    bytes += service.ResidentBytes();
            }

            lock (_resident)
                _resident.Add((_clock.Elapsed, bytes));
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t is { IsCompletedSuccessfully: true, Result: true }, TaskScheduler.Default));
    }

    /// <summary>
    /// The GC counters, summed over instances per second: the heap size after the last collection (all generations)
    /// and the committed GC memory. Empty without dotnet-counters.
    /// </summary>
    public async Task<(List<long> Heap, List<long> Committed)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        var heapBySecond = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var committedBySecond = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (process, file) in _counters)
        {
            try
            {
                if (!process.HasExited)
                {
                    // SIGINT-like stop: dotnet-counters writes the file as it goes, so killing it loses at most a line.
                    process.Kill();
                }

                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // Gone already.
            }

            if (!File.Exists(file))
                continue;
            var heapThisProcess = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment; the name may carry tags (a generation).
                var fields = line.Split(',');
                if (fields.Length < 5 || !double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    continue;
                var second = fields[0].Length >= 19 ? fields[0][..19] : fields[0];
                var name = string.Join(',', fields[2..^2]);
                if (name.Contains(HeapCounter, StringComparison.Ordinal))
                    heapThisProcess[second] = heapThisProcess.GetValueOrDefault(second) + (long)value;
                else if (name.Contains(CommittedCounter, StringComparison.Ordinal))
                    committedBySecond[second] = committedBySecond.GetValueOrDefault(second) + (long)value;
            }

            foreach (var (second, bytes) in heapThisProcess)
                heapBySecond[second] = heapBySecond.GetValueOrDefault(second) + bytes;
            process.Dispose();
            File.Delete(file);
        }

        return (heapBySecond.Values.ToList(), committedBySecond.Values.ToList());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
    }
}
