using System.Text.RegularExpressions;
using ReportSaga.Service.Demo;
using Spectre.Console;

namespace ReportSaga.UnitTests.Demo;

/// <summary>The README's first command, run through the same code path, so it cannot silently break.</summary>
public sealed class When_the_demo_runs_on_the_embedded_defaults
{
    [Fact]
    public async Task Every_sample_takes_its_path_to_the_end_and_the_demo_exits_zero()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });
        console.Profile.Width = 200;
        var storage = Path.Combine(Path.GetTempPath(), $"reportsaga-demo-{Guid.NewGuid():N}.db");
        Environment.SetEnvironmentVariable("Storage__SqlitePath", storage);

        try
        {
            var exitCode = await DemoCommand.RunAsync(["--reports", "2", "--timeout", "120"], console);

            var text = output.ToString();
            Assert.True(exitCode == 0, text);
            Assert.Contains("bus=in-memory storage=sqlite", text, StringComparison.Ordinal);
            Assert.Contains("batch-api=embedded-simulator", text, StringComparison.Ordinal);
            Assert.Matches(@"Operator console: http://127\.0\.0\.1:\d+/", text);
            // Each report by its whole request id, which tells them apart and can be pasted into the console's search.
            Assert.Equal(7, Regex.Matches(text, @"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} ", RegexOptions.Multiline)
                .Select(m => m.Value).Distinct().Count());
            // Whether a poll lands inside the short processing window is timing: the path may skip "processing".
            Assert.True(Regex.IsMatch(text, "success: requested → validated → submitted( → pending)?( → processing)? → completed → ReportCompleted"), text);
            Assert.Contains("internal_error → retry", text, StringComparison.Ordinal);
            Assert.Contains("over budget: requested → validated → ReportFailed(credit_budget_exceeded)", text, StringComparison.Ordinal);
            Assert.Contains("invalid request: requested → ReportFailed(invalid)", text, StringComparison.Ordinal);
            Assert.Contains("bad_request → ReportFailed(bad_request)", text, StringComparison.Ordinal);
            Assert.Contains("7 reports in", text, StringComparison.Ordinal);
            Assert.Contains("4 completed, 3 failed, 0 unfinished", text, StringComparison.Ordinal);
            Assert.Equal(4, text.Split("download: http://127.0.0.1:").Length - 1);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Storage__SqlitePath", null);
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(storage) + "*"))
                File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unknown_option_is_refused_with_the_usage()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });

        Assert.Equal(2, await DemoCommand.RunAsync(["--frobnicate", "1"], console));
        Assert.Contains("Unknown option --frobnicate", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--reports N", output.ToString(), StringComparison.Ordinal);
    }
}
