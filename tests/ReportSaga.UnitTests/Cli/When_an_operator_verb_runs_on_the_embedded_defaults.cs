namespace ReportSaga.UnitTests.Cli;

/// <summary>
/// Issue #13: the operator verbs against the embedded defaults (a SQLite file, no broker): reads work, what needs the
/// service's broker says so, and an operation that cannot be done exits 1, not 0 and not 2.
/// </summary>
public sealed class When_an_operator_verb_runs_on_the_embedded_defaults : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("reportsaga-cli-");

    private string Settings => $"--Storage:SqlitePath={Path.Combine(_folder.FullName, "reportsaga.db")}";

    [Fact]
    public async Task Listing_an_empty_database_says_so_and_exits_zero()
    {
        Assert.Equal(0, (await CliConsole.RunAsync("migrate", "--", Settings)).ExitCode);

        var (exitCode, output) = await CliConsole.RunAsync("reports", "list", "--state", "Waiting", "--", Settings);

        Assert.Equal(0, exitCode);
        Assert.Contains("No reports match.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_report_is_an_operation_failure()
    {
        Assert.Equal(0, (await CliConsole.RunAsync("migrate", "--", Settings)).ExitCode);
        var id = Guid.NewGuid();

        var (showExit, show) = await CliConsole.RunAsync("reports", "show", id.ToString(), "--", Settings);

        Assert.Equal(1, showExit);
        Assert.Contains($"No report with request id {id}", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_without_the_schema_is_an_operation_failure_naming_the_cause()
    {
        var (exitCode, output) = await CliConsole.RunAsync("reports", "list", "--", Settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("no such table", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reports", "cancel", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("errors", "list")]
    [InlineData("errors", "redrive", "report-requests_error")]
    public async Task What_needs_the_broker_says_so_and_exits_one(params string[] args)
    {
        var (exitCode, output) = await CliConsole.RunAsync([.. args, "--", Settings]);

        Assert.Equal(1, exitCode);
        Assert.Contains("in-memory bus", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
