using System.Diagnostics;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>
/// A Python 3 that can import pika, which samples/publish-request.py needs: <c>REPORTSAGA_TEST_PYTHON</c> when set,
/// else the first of Debian's and the PATH's python3 that has it. The test command installs Debian's python3-pika when
/// neither has; without one the tests that need it fail naming what is missing, never skip.
/// </summary>
internal static class PythonWithPika
{
    public const string Variable = "REPORTSAGA_TEST_PYTHON";

    private static readonly Lazy<Task<string>> Found = new(FindAsync);

    public static Task<string> GetAsync() => Found.Value;

    private static async Task<string> FindAsync()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        string[] candidates = string.IsNullOrEmpty(given) ? ["/usr/bin/python3", "python3"] : [given];
        foreach (var candidate in candidates)
        {
            if (await CanImportPikaAsync(candidate))
                return candidate;
        }

        throw new Xunit.Sdk.XunitException(
            $"samples/publish-request.py needs a Python 3 with pika: tried {string.Join(", ", candidates)}. " +
            $"Install Debian's python3-pika (the README's test command does), or set {Variable} to an interpreter that has pika.");
    }

    private static async Task<bool> CanImportPikaAsync(string python)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(python, ["-c", "import pika"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
                return false;
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(guard.Token);
            return process.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return false;
        }
    }
}
