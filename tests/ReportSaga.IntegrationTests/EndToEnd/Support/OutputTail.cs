using System.Text;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>The last lines a child process wrote (stdout and stderr interleaved), bounded so a chatty process cannot fill memory.</summary>
internal sealed class OutputTail(int maxLines = 400, int maxLineLength = 1500)
{
    private readonly Queue<string> _lines = new();
    private long _total;

    public void Add(string stream, string? line)
    {
        if (line is null)
            return;
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
}
