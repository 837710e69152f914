using ReportSaga.Service.Cli;
using Spectre.Console;

namespace ReportSaga.UnitTests.Cli;

/// <summary>Runs the CLI as Program does, on a console of its own, and keeps what it printed.</summary>
internal static class CliConsole
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });
        console.Profile.Width = 250;
        var exitCode = await ReportSagaCli.RunAsync(args, console);
        return (exitCode, output.ToString());
    }
}
