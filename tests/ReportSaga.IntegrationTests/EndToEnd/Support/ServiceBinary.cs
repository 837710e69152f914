using System.Reflection;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// Where the built service is: <c>src/ReportSaga.Service/bin/&lt;configuration&gt;/net10.0/ReportSaga.Service.dll</c>
/// of the same configuration as this test assembly, so `scripts/test.sh` (Release) runs the Release service it just
/// built. The test project references the service, so building the tests builds it.
/// </summary>
internal static class ServiceBinary
{
    private const string SolutionFile = "ReportSaga.sln";

    private static readonly Lazy<string> Located = new(Locate);

    public static string DllPath => Located.Value;

    /// <summary>The dotnet host that runs the tests (the CLI hands it to test hosts), else `dotnet` on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Locate()
    {
        var assembly = typeof(ServiceBinary).Assembly;
        var configuration = assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
            ?? throw new InvalidOperationException("The test assembly names no build configuration.");
        var directory = new DirectoryInfo(Path.GetDirectoryName(assembly.Location)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            directory = directory.Parent;
        if (directory is null)
            throw new InvalidOperationException($"No {SolutionFile} above {assembly.Location}: cannot find the service's build output.");

        var dll = Path.Combine(directory.FullName, "src", "ReportSaga.Service", "bin", configuration, "net10.0", "ReportSaga.Service.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException(
                $"The service is not built at {dll}. Build the solution with -c {configuration} (scripts/test.sh does).");
        return dll;
    }
}
