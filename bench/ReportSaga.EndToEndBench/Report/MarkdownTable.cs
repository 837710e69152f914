using System.Text;

namespace ReportSaga.EndToEndBench.Report;

/// <summary>A Markdown table with padded columns: readable in a terminal, pasted as is into docs/benchmarks.md.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IEnumerable<string> cells) => text.AppendLine("| " + string.Join(" | ", cells) + " |");
        Line(headers.Select((h, i) => h.PadRight(widths[i])));
        Line(widths.Select(w => new string('-', w)));
        foreach (var row in _rows)
            Line(row.Select((c, i) => c.PadRight(widths[i])));
        return text.ToString().TrimEnd();
    }
}
