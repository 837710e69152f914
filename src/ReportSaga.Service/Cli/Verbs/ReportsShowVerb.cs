using System.ComponentModel;
using ReportSaga.BatchApi;
using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorApi;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary><c>reports show ID</c>: one report with its whole history, like <c>GET /reports/{id}/details</c>.</summary>
public sealed class ReportsShowVerb(IAnsiConsole console) : OperatorVerb<ReportsShowVerb.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The report's request id.")]
        public Guid RequestId { get; set; }
    }

    protected override async Task<int> RunAsync(OperatorCliHost host, Settings settings, CancellationToken cancellationToken)
    {
        var report = await host.Services.GetRequiredService<IReportQueries>().FindAsync(settings.RequestId, cancellationToken);
        if (report is null)
            return Fail($"No report with request id {settings.RequestId}.");
        var traceUrl = host.Services.GetRequiredService<TraceLinks>().UrlOf(report.TraceId);

        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, object? value)
        {
            if (value is not null && value.ToString() is { Length: > 0 } text)
                facts.AddRow(new Text(name), new Text(text));
        }

        Fact("request id", report.RequestId);
        Fact("state", report.State);
        Fact("failure reason", report.FailureReason);
        Fact("errors", report.FailureErrors.Count == 0 ? null : string.Join("; ", report.FailureErrors));
        Fact("requested by", report.RequestedBy);
        Fact("provider report", report.ReportId);
        Fact("provider status", report.ProviderStatus);
        Fact("credits", $"max {report.MaxCredits?.ToString() ?? "-"}, estimated {report.EstimatedCredits?.ToString() ?? "-"}, used {report.UsedQuota?.ToString() ?? "-"}");
        Fact("data points", report.DataPointsCount);
        // The query string of a download URL is the signature that grants access: only bus subscribers get it.
        Fact("download", report.DownloadUrl is null ? null : UrlRedaction.WithoutQuery(report.DownloadUrl));
        Fact("status checks", report.PollCount);
        Fact("retry calls", report.RetryAttempts);
        Fact("created (UTC)", ReportsListVerb.Time(report.CreatedAt));
        Fact("submitted (UTC)", report.SubmittedAt is { } submitted ? ReportsListVerb.Time(submitted) : null);
        Fact("completed (UTC)", report.CompletedAt is { } completed ? ReportsListVerb.Time(completed) : null);
        Fact("updated (UTC)", ReportsListVerb.Time(report.UpdatedAt));
        Fact("trace", traceUrl ?? report.TraceId);
        Console.Write(facts);
        Console.WriteLine();

        var history = new Table().Border(TableBorder.Simple).AddColumns("at (UTC)", "event", "from", "to", "provider status", "call", "outcome");
        foreach (var item in report.History)
        {
            history.AddRow(new Text(item.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)),
                new Text(item.Event), new Text(item.FromState ?? ""), new Text(item.ToState), new Text(item.ProviderStatus ?? ""),
                new Text(item.Call ?? ""), new Text(item.Outcome));
        }

        Console.Write(history);
        Console.WriteLine($"{report.History.Count} history entr{(report.History.Count == 1 ? "y" : "ies")}.");
        return ExitCodes.Ok;
    }
}
