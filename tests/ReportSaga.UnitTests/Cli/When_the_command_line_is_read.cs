using ReportSaga.Service.Cli;

namespace ReportSaga.UnitTests.Cli;

/// <summary>
/// Issue #13: which command lines run the service (none, or ASP.NET configuration switches only, as the image and the
/// manifests may pass), and which go to the CLI, where anything unknown is refused with exit code 2.
/// </summary>
public sealed class When_the_command_line_is_read
{
    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:0")]
    [InlineData("--urls=http://0.0.0.0:8080")]
    [InlineData("--Storage:MigrateOnStartup=false", "--ConnectionStrings:Postgres", "Host=db;Database=reportsaga")]
    [InlineData("--Logging:LogLevel:Default=Warning", "--contentRoot", "/app")]
    public void A_command_line_of_settings_only_runs_the_service(params string[] args) =>
        Assert.True(ServiceArguments.RunTheService(args));

    [Theory]
    [InlineData("demo")]
    [InlineData("migrate")]
    [InlineData("bogus")]
    [InlineData("--bogus")]
    [InlineData("--urls")]
    [InlineData("--urls", "--Key=value")]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("-h")]
    [InlineData("--urls", "http://127.0.0.1:0", "reports")]
    [InlineData("--urls", "http://127.0.0.1:0", "-v")]
    public void Anything_else_goes_to_the_cli(params string[] args) =>
        Assert.False(ServiceArguments.RunTheService(args));

    [Fact]
    public async Task Help_lists_every_verb_and_exits_zero()
    {
        var (exitCode, output) = await CliConsole.RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var verb in new[] { "demo", "migrate", "reports", "errors", "--version" })
            Assert.Contains(verb, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reports", "list", "show <ID>", "cancel <ID>")]
    [InlineData("errors", "list", "redrive <QUEUE>")]
    [InlineData("reports list", "--state", "--requested-by", "--failure-reason", "--created-after", "--created-before", "--after", "--limit")]
    [InlineData("errors redrive", "<QUEUE>", "--message")]
    [InlineData("demo", "--reports", "--keep-open", "--port")]
    public async Task Help_works_at_every_level(string command, params string[] expected)
    {
        var (exitCode, output) = await CliConsole.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("USAGE:", output, StringComparison.Ordinal);
        foreach (var text in expected)
            Assert.Contains(text, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    [InlineData("demo --version")]
    [InlineData("migrate --version")]
    [InlineData("reports --version")]
    [InlineData("reports list --version")]
    [InlineData("reports show --version")]
    [InlineData("reports cancel --version")]
    [InlineData("errors --version")]
    [InlineData("errors list --version")]
    [InlineData("errors redrive --version")]
    public async Task Version_works_at_every_level(string command)
    {
        var (exitCode, output) = await CliConsole.RunAsync(command.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Equal(ReportSagaCli.Version, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", ReportSagaCli.Version);
    }

    [Theory]
    [InlineData("Unknown command 'bogus'", "bogus")]
    [InlineData("Unknown command 'bogus'", "bogus", "--version")]
    [InlineData("Unexpected option 'bogus'", "--bogus")]
    [InlineData("Unknown command 'purge'", "reports", "purge")]
    [InlineData("Unknown option 'bogus'", "reports", "list", "--bogus")]
    [InlineData("Unknown option 'frobnicate'", "demo", "--frobnicate", "1")]
    [InlineData("Unknown option 'force'", "migrate", "--force")]
    [InlineData("Failed to convert 'not-a-guid' to Guid", "reports", "show", "not-a-guid")]
    [InlineData("Failed to convert 'ten' to Int32", "demo", "--reports", "ten")]
    [InlineData("--limit must be between 1 and 200", "reports", "list", "--limit", "0")]
    [InlineData("--peek must be between 0 and 100", "errors", "list", "--peek", "101")]
    [InlineData("nope_error is not one of the service's error queues", "errors", "redrive", "nope_error")]
    [InlineData("--after is not a cursor this command printed", "reports", "list", "--after", "garbage!")]
    public async Task A_wrong_command_line_is_refused_with_exit_code_2(string message, params string[] args)
    {
        var (exitCode, output) = await CliConsole.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("See --help.", output, StringComparison.Ordinal);
    }
}
