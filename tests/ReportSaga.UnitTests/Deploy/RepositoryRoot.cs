namespace ReportSaga.UnitTests.Deploy;

/// <summary>The repository checkout these tests run from: the first folder above the test binaries holding ReportSaga.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "ReportSaga.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ReportSaga.sln above {AppContext.BaseDirectory}.");
    }
}
