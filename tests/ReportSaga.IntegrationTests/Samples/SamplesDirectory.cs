namespace ReportSaga.IntegrationTests.Samples;

/// <summary>The checkout's samples/ folder: found above the test binaries, next to ReportSaga.sln.</summary>
internal static class SamplesDirectory
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ReportSaga.sln")))
                return System.IO.Path.Combine(directory.FullName, "samples");
        }

        throw new InvalidOperationException($"No ReportSaga.sln above {AppContext.BaseDirectory}.");
    }
}
