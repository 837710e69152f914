using System.Text;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>The last lines a child process wrote (stdout and stderr interleaved), bounded so a chatty process cannot fill memory.</summary>
/// <remarks>
/// With <c>REPORTSAGA_E2E_LOG_DIR</c> set, every line is also written in full to a file there (for a failure whose
/// cause scrolled out of the tail).
/// </remarks>
internal sealed class OutputTail(int maxLines = 400, int maxLineLength = 1500, string? fullLogPath = null) : IDisposable
{
    private readonly Queue<string> _lines = new();
    private StreamWriter? _fullLog = fullLogPath is null ? null : new StreamWriter(fullLogPath, append: true) { AutoFlush = true };
    private long _total;

    /// <summary>A tail for the process called <paramref name="name"/>, writing its full log when the variable asks for it.</summary>
    public static OutputTail For(string name)
    {
        var directory = Environment.GetEnvironmentVariable("REPORTSAGA_E2E_LOG_DIR");
        if (string.IsNullOrEmpty(directory))
            return new OutputTail();
        Directory.CreateDirectory(directory);
        var file = $"{DateTime.UtcNow:HHmmss-fff}-{string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-'))}.log";
        return new OutputTail(fullLogPath: Path.Combine(directory, file));
    }

    public void Add(string stream, string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _fullLog?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {stream}: {line}");
        if (line.Length > maxLineLength)
            line = line[..maxLineLength] + " …";
        lock (_lines)
        {
            _total++;
            _lines.Enqueue($"{stream}: {line}");
            while (_lines.Count > maxLines)
                _lines.Dequeue();
        }
    }

    public bool Contains(string text)
    {
        lock (_lines)
            return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    public override string ToString()
    {
        lock (_lines)
        {
            var text = new StringBuilder();
            if (_total > _lines.Count)
                text.AppendLine($"({_total - _lines.Count} earlier lines left out)");
            foreach (var line in _lines)
                text.AppendLine(line);
            return text.ToString();
        }
    }

    public void Dispose()
    {
        lock (_lines)
        {
            _fullLog?.Dispose();
            _fullLog = null; // the process may still write a line or two while it is killed
        }
    }
}
