using Spectre.Console;

namespace ReportSaga.Service.Demo;

/// <summary>Draws the demo's board: a live table on a terminal, one line per change otherwise (CI logs, pipes).</summary>
public sealed class DemoRenderer(IAnsiConsole console, DemoBoard board)
{
    private readonly Dictionary<Guid, string> _printed = [];

    public bool Interactive => console.Profile.Capabilities.Interactive;

    public Table BuildTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]ReportSaga demo[/]")
            .AddColumn("report").AddColumn("path").AddColumn("state").AddColumn(new TableColumn("credits").RightAligned())
            .AddColumn(new TableColumn("used").RightAligned()).AddColumn(new TableColumn("polls").RightAligned());
        foreach (var row in board.Rows())
        {
            var state = row.Ending switch
            {
                null => $"[yellow]{Markup.Escape(row.Step)}[/]",
                "completed" => "[green]completed[/]",
                _ => $"[red]failed: {Markup.Escape(row.Ending)}[/]",
            };
            table.AddRow(
                Markup.Escape(row.RequestId.ToString()),
                Markup.Escape(row.Label),
                state,
                row.EstimatedCredits?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                row.UsedQuota?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                row.Polls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }

    /// <summary>Prints each report's new steps since the last call (the non-interactive form of the live table).</summary>
    public void PrintChanges()
    {
        foreach (var row in board.Rows())
        {
            var path = string.Join(" → ", row.Path);
            if (_printed.TryGetValue(row.RequestId, out var before) && before == path)
                continue;
            _printed[row.RequestId] = path;
            console.MarkupLineInterpolated($"[grey]{row.RequestId}[/] {row.Label,-30} {path}");
        }
    }

    public void PrintSummary(TimeSpan elapsed)
    {
        console.WriteLine();
        console.Write(BuildTable());
        console.WriteLine();
        foreach (var row in board.Rows())
        {
            console.MarkupLineInterpolated($"[bold]{row.Label}[/]: {string.Join(" → ", row.Path)}");
            if (row.DownloadUrl is not null)
                console.MarkupLineInterpolated($"    download: [link]{row.DownloadUrl}[/]");
            foreach (var error in row.Errors)
                console.MarkupLineInterpolated($"    [grey]{error}[/]");
        }

        var rows = board.Rows();
        var completed = rows.Count(r => r.Ending == "completed");
        var unexpected = rows.Where(r => r.Ending != r.ExpectedEnding).ToList();
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{rows.Count} reports in {elapsed.TotalSeconds:F1} s: {completed} completed, {rows.Count(r => r.Ended) - completed} failed, {rows.Count(r => !r.Ended)} unfinished.[/]");
        foreach (var row in unexpected)
            console.MarkupLineInterpolated($"[red]{row.Label} ended as {row.Ending ?? "unfinished"}, expected {row.ExpectedEnding}.[/]");
        if (unexpected.Count == 0)
            console.MarkupLine("[green]Every report took the path its sample expects.[/]");
    }
}
