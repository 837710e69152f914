using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ReportSaga.UnitTests.Demo;

/// <summary>
/// Issue #13 item 5: <c>ReportSaga.Service demo</c> as a newcomer runs it, as its own process: what it prints is its board
/// and its summary only, even where the configuration asks for Information logs everywhere (which used to flood it with
/// HttpClient and Polly lines), and each report's row shows an id that tells it apart from the others.
/// </summary>
public sealed class When_the_demo_runs_in_a_terminal
{
    [Fact]
    public async Task It_prints_only_its_board_and_summary_with_an_id_per_report()
    {
        var folder = Directory.CreateTempSubdirectory("reportsaga-demo-");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ReportSaga.Service.dll"), "demo", "--timeout", "120" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.FullName,
        };
        start.Environment["Storage__SqlitePath"] = Path.Combine(folder.FullName, "demo.db");
        start.Environment["COLUMNS"] = "200";
        // What made the demo noisy: configured levels win over a minimum set in code.
        start.Environment["Logging__LogLevel__Default"] = "Debug";
        start.Environment["Logging__LogLevel__System.Net.Http.HttpClient"] = "Information";
        start.Environment["Logging__LogLevel__Polly"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            folder.Delete(recursive: true);
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, output + await stderr);
        Assert.Equal("", await stderr);
        Assert.DoesNotMatch(new Regex(@"^\s*(trce|dbug|info|warn|fail|crit): ", RegexOptions.Multiline), output);
        Assert.DoesNotContain("System.Net.Http", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Polly", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
        Assert.StartsWith("ReportSaga demo: bus=in-memory", output, StringComparison.Ordinal);
        Assert.Contains("5 reports in", output, StringComparison.Ordinal);
        // The progress lines start with each report's whole request id: five reports, five different ids.
        var ids = Regex.Matches(output, @"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?= )", RegexOptions.Multiline)
            .Select(m => m.Value).Distinct().ToList();
        Assert.Equal(5, ids.Count);
    }
}
