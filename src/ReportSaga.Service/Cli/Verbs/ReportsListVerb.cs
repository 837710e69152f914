using System.ComponentModel;
using System.Globalization;
using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorApi;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary><c>reports list</c>: the operator API's report list (<c>GET /reports</c>), same filters, newest first, one page.</summary>
public sealed class ReportsListVerb(IAnsiConsole console) : OperatorVerb<ReportsListVerb.Settings>(console)
{
    private const int MaxFilterLength = 256;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--state <STATE>")]
        [Description("Only reports in this state (Validating, Queued, Submitting, Waiting, Retrying, Completed, Failed).")]
        public string? State { get; set; }

        [CommandOption("--requested-by <NAME>")]
        [Description("Only reports requested by this requestedBy.")]
        public string? RequestedBy { get; set; }

        [CommandOption("--failure-reason <REASON>")]
        [Description("Only reports that failed for this reason (cancelled, bad_request, ...).")]
        public string? FailureReason { get; set; }

        [CommandOption("--search <ID>")]
        [Description("A request id or a provider report id.")]
        public string? Search { get; set; }

        [CommandOption("--created-after <TIME>")]
        [Description("Created at or after this time (ISO 8601, e.g. 2026-12-07T06:00:00Z).")]
        public DateTimeOffset? CreatedAfter { get; set; }

        [CommandOption("--created-before <TIME>")]
        [Description("Created before this time (ISO 8601).")]
        public DateTimeOffset? CreatedBefore { get; set; }

        [CommandOption("--after <CURSOR>")]
        [Description("The next page: the cursor printed under the previous one.")]
        public string? After { get; set; }

        [CommandOption("--limit <N>")]
        [Description("Reports per page (1-200, default 50).")]
        public int Limit { get; set; } = ReportApiEndpoints.DefaultPageSize;

        public override ValidationResult Validate() =>
            new[] { State, RequestedBy, FailureReason, Search }.Any(x => x?.Length > MaxFilterLength)
                ? ValidationResult.Error($"A filter is longer than {MaxFilterLength} characters.")
            : Limit is < 1 or > ReportApiEndpoints.MaxPageSize
                ? ValidationResult.Error($"--limit must be between 1 and {ReportApiEndpoints.MaxPageSize}.")
            : !ReportCursorText.TryDecode(After, out _) ? ValidationResult.Error("--after is not a cursor this command printed.")
            : ValidationResult.Success();
    }

    protected override async Task<int> RunAsync(OperatorCliHost host, Settings settings, CancellationToken cancellationToken)
    {
        ReportCursorText.TryDecode(settings.After, out var cursor);
        var filter = new ReportFilter
        {
            State = settings.State, RequestedBy = settings.RequestedBy, FailureReason = settings.FailureReason,
            Search = settings.Search?.Trim(), CreatedAfter = settings.CreatedAfter, CreatedBefore = settings.CreatedBefore,
        };
        var page = await host.Services.GetRequiredService<IReportQueries>().ListAsync(filter, cursor, settings.Limit, cancellationToken);
        if (page.Reports.Count == 0)
        {
            Console.WriteLine("No reports match.");
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("request id").NoWrap()).AddColumns("state", "reason", "requested by")
            .AddColumn(new TableColumn("provider report").NoWrap()).AddColumns("created (UTC)", "updated (UTC)");
        foreach (var report in page.Reports)
        {
            table.AddRow(Markup.Escape(report.RequestId.ToString()), Markup.Escape(report.State), Markup.Escape(report.FailureReason ?? ""),
                Markup.Escape(report.RequestedBy ?? ""), Markup.Escape(report.ReportId ?? ""), Time(report.CreatedAt), Time(report.UpdatedAt));
        }

        Console.Write(table);
        Console.WriteLine($"{page.Reports.Count} report(s).");
        if (page.Next is not null)
            Console.WriteLine($"More: --after {ReportCursorText.Encode(page.Next)}");
        return ExitCodes.Ok;
    }

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
