namespace ReportSaga.UnitTests.Cli;

/// <summary>Issue #13: <c>migrate --help</c> prints help and changes nothing; without it, the same command line migrates.</summary>
public sealed class When_migrate_is_asked_for_help
{
    [Fact]
    public async Task It_prints_help_and_creates_no_database()
    {
        var folder = Directory.CreateTempSubdirectory("reportsaga-cli-");
        try
        {
            var database = Path.Combine(folder.FullName, "reportsaga.db");

            var (exitCode, output) = await CliConsole.RunAsync("migrate", "--help", "--", $"--Storage:SqlitePath={database}");

            Assert.Equal(0, exitCode);
            Assert.Contains("USAGE:", output, StringComparison.Ordinal);
            Assert.Contains("migrate [OPTIONS]", output, StringComparison.Ordinal);
            Assert.False(File.Exists(database), "migrate --help created the database");

            // The same command line without --help does migrate: the check above could fail.
            var (migrated, _) = await CliConsole.RunAsync("migrate", "--", $"--Storage:SqlitePath={database}");
            Assert.Equal(0, migrated);
            Assert.True(File.Exists(database));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
