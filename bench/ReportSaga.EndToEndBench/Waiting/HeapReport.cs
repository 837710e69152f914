using System.Diagnostics;
using System.Globalization;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>
/// What a service process's managed heap holds at the end of a run: <c>dotnet-gcdump report -p PID</c> (when
/// installed, on PATH or in ~/.dotnet/tools) takes a heap snapshot, which forces a full blocking collection, and
/// prints the live objects' bytes by type, largest first. Comparing two runs shows which type grows with the number
/// of reports waiting.
/// </summary>
internal static class HeapReport
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>The report's first <paramref name="lines"/> lines, or null without dotnet-gcdump or when it fails.</summary>
    public static async Task<string?> TakeAsync(int processId, int lines)
    {
        if (Tool.Find("dotnet-gcdump") is not { } tool)
            return null;
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["report", "-p", processId.ToString(CultureInfo.InvariantCulture)])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            process.Kill();
            return $"(dotnet-gcdump did not finish within {Limit})";
        }

        if (process.ExitCode != 0)
            return $"(dotnet-gcdump failed: {(await error).Trim()})";
        return string.Join(Environment.NewLine, (await output).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).Take(lines));
    }
}

/// <summary>Finds a .NET diagnostic tool installed as a dotnet tool: on PATH, or in ~/.dotnet/tools.</summary>
internal static class Tool
{
    public static string? Find(string name)
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? "";
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(home, ".dotnet", "tools"))
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
    }
}
