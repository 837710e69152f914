using System.Diagnostics;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>How a sample script ended.</summary>
internal sealed record ScriptResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs a sample script the way a user would, with a bounded wait.</summary>
internal static class ScriptRun
{
    /// <summary>A script that has not ended after this long is killed and the test fails; it only stops a hang.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    public static Task<ScriptResult> BashAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunAsync("bash", script, environment, arguments);

    /// <summary>Runs <paramref name="script"/> from the samples folder with <paramref name="interpreter"/> (bash, python3, …).</summary>
    public static async Task<ScriptResult> RunAsync(
        string interpreter, string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(SamplesDirectory.Path, script));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{interpreter} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{script} did not end within {Guard}.");
        }

        return new ScriptResult(process.ExitCode, await output, await error);
    }
}
