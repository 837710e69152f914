using System.Text.Json.Nodes;

namespace ReportSaga.Simulator;

/// <summary>What the simulator read from a report body: its errors, warnings, estimate and what the CSV shows.</summary>
internal sealed record ValidatedReport
{
    public required string? ReportName { get; init; }
    public required ReportMarkers Markers { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public required IReadOnlyList<JsonObject> Warnings { get; init; }

    /// <summary>domains × metrics × periods × countries, summed over the tables.</summary>
    public required long DataPoints { get; init; }

    /// <summary>The first table's leading values, for a few deterministic CSV rows.</summary>
    public required ReportPreview Preview { get; init; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>The credits validate reports: the marker's value, or the data points.</summary>
    public long EstimatedCredits => Markers.Credits ?? DataPoints;
}

/// <summary>A few values of the first table, enough to write sample rows.</summary>
internal sealed record ReportPreview(
    IReadOnlyList<string> Domains,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> Metrics,
    string Granularity,
    string StartDate)
{
    public static readonly ReportPreview Empty = new([], [], [], "monthly", "");
}
