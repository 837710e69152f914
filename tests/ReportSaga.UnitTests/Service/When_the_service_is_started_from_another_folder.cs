using System.Collections.Concurrent;
using System.Diagnostics;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// <c>dotnet /opt/reportsaga/ReportSaga.Service.dll</c> from any working directory: the host looks for appsettings.json
/// in the working directory, yet the shipped log levels still apply.
/// </summary>
public sealed class When_the_service_is_started_from_another_folder
{
    [Fact]
    public async Task The_shipped_log_levels_still_keep_sql_commands_out_of_the_log()
    {
        var folder = Directory.CreateTempSubdirectory("reportsaga-elsewhere-");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ReportSaga.Service.dll"), "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.FullName,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Storage__SqlitePath"] = Path.Combine(folder.FullName, "reportsaga.db");

        var lines = new ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lines.Enqueue(e.Data);
            if (e.Data.Contains("Application started", StringComparison.Ordinal))
                started.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(1000); // the first scheduler and outbox polls run SQL right after start
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            folder.Delete(recursive: true);
        }

        var log = string.Join("\n", lines);
        Assert.Contains("Applying migrations", log, StringComparison.Ordinal); // the database was created: there was SQL
        Assert.DoesNotContain("Microsoft.EntityFrameworkCore", log, StringComparison.Ordinal);
    }
}
