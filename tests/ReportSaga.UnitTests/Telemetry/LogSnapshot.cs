using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ReportSaga.UnitTests.Telemetry;

/// <summary>What an exported log record said, copied at export time (the SDK reuses LogRecord objects).</summary>
public sealed record LogSnapshot(string? Category, string? FormattedMessage, string? Body, IReadOnlyList<string> Attributes, IReadOnlyList<string> Scopes)
{
    /// <summary>Every text of the record, to search for a value that must not be there.</summary>
    public IEnumerable<string> AllText() =>
        new[] { Category, FormattedMessage, Body }.OfType<string>().Concat(Attributes).Concat(Scopes);
}

/// <summary>Exports log records as <see cref="LogSnapshot"/>s into a list.</summary>
public sealed class LogSnapshotExporter(List<LogSnapshot> target) : BaseExporter<LogRecord>
{
    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            var attributes = record.Attributes?.Select(a => $"{a.Key}={a.Value}").ToList() ?? [];
            var scopes = new List<string>();
            record.ForEachScope((scope, list) =>
            {
                list.Add(scope.Scope?.ToString() ?? "");
                foreach (var item in scope)
                {
                    list.Add($"{item.Key}={item.Value}");
                }
            }, scopes);

            lock (target)
            {
                target.Add(new LogSnapshot(record.CategoryName, record.FormattedMessage, record.Body, attributes, scopes));
            }
        }

        return ExportResult.Success;
    }
}
