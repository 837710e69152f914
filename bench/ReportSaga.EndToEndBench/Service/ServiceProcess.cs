using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ReportSaga.EndToEndBench.Service;

/// <summary>
/// One ReportSaga service process (<c>dotnet ReportSaga.Service.dll</c>, the Release build) with its settings as
/// environment variables and a loopback port of its own. Counts the lines it writes (stdout and stderr) and keeps the
/// last ones for a failure report; reads its CPU time and peak resident memory from /proc. Killed on dispose.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    // Inherited settings that would change which parts the child uses; the benchmark gives every part explicitly.
    private static readonly string[] InheritedPrefixesToDrop =
        ["ConnectionStrings__", "BatchApi__", "Polling__", "Reports__", "Submission__", "Storage__", "RabbitMq__", "Simulator__", "Logging__", "OTEL_"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private long _lines;
    private long _bytes;

    private ServiceProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Lines written to stdout and stderr so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Characters written to stdout and stderr so far (line ends included).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public static ServiceProcess Start(string name, string dll, IReadOnlyDictionary<string, string> settings)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/");
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (InheritedPrefixesToDrop.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                || key is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT" or "ASPNETCORE_URLS")
                start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = baseAddress.GetLeftPart(UriPartial.Authority);

        var process = new Process { StartInfo = start };
        var service = new ServiceProcess(name, process, baseAddress);
        process.OutputDataReceived += (_, e) => service.Count(e.Data);
        process.ErrorDataReceived += (_, e) => service.Count(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"{name}: the service process did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; throws with the last output if the process exits first.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready. Last output:{Environment.NewLine}{Tail()}");
            try
            {
                using var response = await Http.GetAsync(new Uri(BaseAddress, "health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"{Name} was not ready within {limit}. Last output:{Environment.NewLine}{Tail()}");
            await Task.Delay(250);
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>User plus system CPU time so far (utime + stime of /proc/PID/stat).</summary>
    public TimeSpan CpuTime()
    {
        // Fields 14 and 15 after the command name, in clock ticks (USER_HZ, 100 on Linux).
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>The most resident memory the process has had (VmHWM of /proc/PID/status), in bytes.</summary>
    public long PeakResidentBytes() => StatusBytes("VmHWM:");

    /// <summary>The resident memory now (VmRSS of /proc/PID/status), in bytes.</summary>
    public long ResidentBytes() => StatusBytes("VmRSS:");

    private long StatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }

        return 0;
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Tail()
    {
        lock (_tail)
            return string.Join(Environment.NewLine, _tail);
    }

    private void Count(string? line)
    {
        if (line is null)
            return;
        Interlocked.Increment(ref _lines);
        Interlocked.Add(ref _bytes, line.Length + 1);
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40)
                _tail.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or not in time: the run's database is dropped WITH (FORCE) anyway.
        }

        _process.Dispose();
    }

    /// <summary>The dotnet host running this benchmark, so the service runs on the same runtime.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
