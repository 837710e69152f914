using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Options;
using ReportSaga.PollingBench;

// Status calls per report against how late completion is heard of, on virtual time (issue 11). For each report set
// and each poller: calls per report, and the notification delay (provider's completion to the check that sees it)
// at p50/p95 in seconds and as a share of the report's own duration. The service's policy takes its settings the way
// the service does (defaults, overridden by Polling__* environment variables) and is validated the same way.
//   dotnet run -c Release --project bench/ReportSaga.PollingBench -- [--reports 1000] [--seed 11] [--in-flight 90]
//       [--size-noise none|SIGMA] [--svg docs/polling-bench.svg]
var culture = CultureInfo.InvariantCulture;
var count = Argument("--reports", 1000);
var seed = Argument("--seed", 11);
var inFlight = Argument("--in-flight", 90);
var sizeNoiseText = ArgumentText("--size-noise") ?? "none";
double? sizeNoise = sizeNoiseText == "none" ? null : double.Parse(sizeNoiseText, culture);
var svgPath = ArgumentText("--svg");

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
using var services = new ServiceCollection().AddReportSagaOptions(configuration).BuildServiceProvider();
var polling = services.GetRequiredService<IOptions<PollingOptions>>().Value;

Console.WriteLine(string.Create(culture,
    $"polling: {count} reports per set, seed {seed}, about {inFlight} in flight, estimated credits {(sizeNoise is null ? "the same for every report (size says nothing)" : $"proportional to duration, log-normal noise sigma {sizeNoise}")}"));
Console.WriteLine(string.Create(culture,
    $"service policy: InitialInterval={polling.InitialInterval} BackoffFactor={polling.BackoffFactor} ShortReportInterval={polling.ShortReportInterval} ShortReportAge={polling.ShortReportAge} DelayShare={polling.DelayShare} MaxInterval={polling.MaxInterval} Jitter={polling.Jitter} RecentReports={polling.RecentReports} MinRecentReports={polling.MinRecentReports} FirstCheckShare={polling.FirstCheckShare}"));

var sets = new[]
{
    (Name: "5 min to 2 h", Shortest: TimeSpan.FromMinutes(5), Longest: TimeSpan.FromHours(2)),
    (Name: "30 s to 10 min", Shortest: TimeSpan.FromSeconds(30), Longest: TimeSpan.FromMinutes(10)),
};
var panels = new List<(string Title, IReadOnlyList<PollingResult> Results, bool LongSet, double TargetCalls)>();
var allMet = true;
for (var s = 0; s < sets.Length; s++)
{
    var set = sets[s];
    var reports = ReportSet.Create(count, set.Shortest, set.Longest, inFlight, sizeNoise, seed + s);
    var service = new ServicePoller("service policy (defaults)", polling, seed);
    var results = new List<PollingResult>();
    foreach (var poller in new IPoller[]
             {
                 service, new PreviousBackoffPoller(seed), new FixedPoller(TimeSpan.FromSeconds(6)),
                 new FixedPoller(TimeSpan.FromSeconds(15)), new FixedPoller(TimeSpan.FromSeconds(60)), new OraclePoller(),
             })
        results.Add(await PollingRun.RunAsync(poller, reports));

    Console.WriteLine();
    Console.WriteLine(string.Create(culture,
        $"set {set.Name}: {reports.Count} reports, durations log-uniform, submitted over {reports[^1].SubmittedAt.TotalHours:0.0} h; the service policy placed {service.LearnedFirstChecks} first checks from recent similar reports"));
    Console.WriteLine("| poller | calls/report | max calls | delay p50 (s) | delay p95 (s) | delay p50 (share of duration) | delay p95 (share of duration) |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (var r in results)
        Console.WriteLine(string.Create(culture,
            $"| {r.Poller} | {r.CallsPerReport:0.0} | {r.MaxCalls} | {r.DelayP50:0.0} | {r.DelayP95:0.0} | {r.ShareP50:0.0%} | {r.ShareP95:0.0%} |"));

    var mine = results[0];
    var fixed15 = results.Single(r => r.Poller == "fixed 15 s");
    var targetCalls = fixed15.CallsPerReport / 3;
    if (s == 0)
    {
        allMet &= Report($"calls/report {mine.CallsPerReport:0.0} <= 1/3 of fixed 15 s ({targetCalls:0.0})", mine.CallsPerReport <= targetCalls);
        allMet &= Report($"delay p95 {mine.ShareP95:0.0%} of duration <= 10%", mine.ShareP95 <= 0.10);
        allMet &= Report($"delay p50 {mine.ShareP50:0.0%} of duration <= 5%", mine.ShareP50 <= 0.05);
    }
    else
        allMet &= Report($"delay p95 {mine.DelayP95:0.0} s <= 15 s", mine.DelayP95 <= 15);
    panels.Add(($"{set.Name} ({reports.Count} reports)", results, s == 0, targetCalls));
}

if (svgPath is not null)
{
    File.WriteAllText(svgPath, PlotSvg.Render(panels));
    Console.WriteLine();
    Console.WriteLine($"plot: {svgPath}");
}
return allMet ? 0 : 1;

bool Report(string what, bool met)
{
    Console.WriteLine(string.Create(culture, $"target: {what}: {(met ? "met" : "MISSED")}"));
    return met;
}

string? ArgumentText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int Argument(string name, int fallback) =>
    ArgumentText(name) is { } text ? int.Parse(text, culture) : fallback;
