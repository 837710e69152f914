using System.Diagnostics;
using System.Reflection;

namespace ReportSaga.EndToEndBench.Service;

/// <summary>
/// Where the service's build output is: <c>src/ReportSaga.Service/bin/&lt;configuration&gt;/net10.0</c> of the same
/// configuration as this benchmark (the benchmark's project builds the service with it), and which source it is.
/// </summary>
internal static class ServiceBuild
{
    private const string SolutionFile = "ReportSaga.sln";

    public static string Configuration =>
        typeof(ServiceBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";

    public static string Locate()
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "ReportSaga.Service", "bin", Configuration, "net10.0", "ReportSaga.Service.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"The service is not built at {dll}: run `dotnet build -c Release bench/ReportSaga.EndToEndBench`.");
        if (Configuration != "Release")
            Console.WriteLine($"warning: a {Configuration} build; figures are only comparable between Release builds.");
        return dll;
    }

    /// <summary>The commit checked out, with "+changes" when the work tree differs from it; "unknown" without git.</summary>
    public static string SourceRevision()
    {
        try
        {
            var commit = Git("rev-parse --short HEAD").Trim();
            return Git("status --porcelain --untracked-files=no").Trim().Length > 0 ? commit + "+changes" : commit;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static string Git(string arguments)
    {
        var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0 ? output : throw new InvalidOperationException($"git {arguments} failed");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}.");
    }
}
