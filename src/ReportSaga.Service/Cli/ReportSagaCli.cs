using System.Reflection;
using Microsoft.Extensions.Options;
using ReportSaga.Service.Cli.Verbs;
using ReportSaga.Service.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli;

/// <summary>
/// The command line's verbs (Spectre.Console.Cli): <c>demo</c>, <c>migrate</c>, <c>reports list|show|cancel</c>,
/// <c>errors list|redrive</c>, with <c>--help</c> and <c>--version</c> at every level. Running the service itself is not a
/// verb: Program runs it for a command line that <see cref="ServiceArguments.RunTheService"/> accepts. Exit codes are
/// <see cref="ExitCodes"/>: an unknown verb or option, or a bad value, is 2 and does nothing.
/// </summary>
public static class ReportSagaCli
{
    public const string ApplicationName = "ReportSaga.Service";
    private const int RedirectedWidth = 250;

    public static string Version { get; } =
        typeof(ReportSagaCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <param name="console">Where the CLI writes; the terminal when null (tests pass their own).</param>
    public static Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole? console = null)
    {
        if (console is null)
        {
            console = AnsiConsole.Console;
            // Piped into grep or a file: no terminal to fit, and a wrapped request id could not be found or pasted.
            if (System.Console.IsOutputRedirected)
                console.Profile.Width = RedirectedWidth;
        }

        if (AsksForTheVersion(args))
        {
            console.WriteLine(Version);
            return Task.FromResult(ExitCodes.Ok);
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName(ApplicationName);
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.Settings.Registrar.RegisterInstance(console);
            config.Settings.StrictParsing = true;
            config.SetExceptionHandler((exception, _) => Report(console, exception));
            config.AddExample("--urls", "http://0.0.0.0:8080");
            config.AddExample("reports", "list", "--state", "Waiting");

            config.AddCommand<DemoVerb>("demo")
                .WithDescription("Run the whole service on the embedded defaults with sample reports, live progress and a summary.");
            config.AddCommand<MigrateVerb>("migrate")
                .WithDescription("Apply the schema to the configured database and exit (settings from the environment, or after --).");
            config.AddBranch("reports", reports =>
            {
                reports.SetDescription("Find reports, read one's history, cancel one (on the configured database and broker).");
                reports.AddCommand<ReportsListVerb>("list").WithDescription("List reports, newest first, with the operator API's filters.")
                    .WithExample("reports", "list", "--state", "Failed", "--failure-reason", "bad_request");
                reports.AddCommand<ReportsShowVerb>("show").WithDescription("One report with its whole history and its trace.")
                    .WithExample("reports", "show", "0f8fad5b-d9cb-469f-a165-70867728950e");
                reports.AddCommand<ReportsCancelVerb>("cancel").WithDescription("Cancel an unfinished report: it ends with ReportFailed reason cancelled.")
                    .WithExample("reports", "cancel", "0f8fad5b-d9cb-469f-a165-70867728950e");
            });
            config.AddBranch("errors", errors =>
            {
                errors.SetDescription("The service's _error queues on the configured RabbitMQ: read and redrive.");
                errors.AddCommand<ErrorsListVerb>("list").WithDescription("Each error queue with its depth and why its first messages failed.");
                errors.AddCommand<ErrorsRedriveVerb>("redrive").WithDescription("Move an error queue's messages (or one) back to the queue they failed on.")
                    .WithExample("errors", "redrive", "report-requests_error", "--message", "00010000-ac12-0242-0b3a-08de33b1c2a4");
            });
        });
        return app.RunAsync(args);
    }

    private static readonly string[][] CommandPaths =
    [
        [], ["demo"], ["migrate"], ["reports"], ["reports", "list"], ["reports", "show"], ["reports", "cancel"],
        ["errors"], ["errors", "list"], ["errors", "redrive"],
    ];

    /// <summary>
    /// <c>--version</c> after any command (<c>reports list --version</c>): Spectre.Console.Cli answers it at the root only.
    /// A misspelt command with it is still refused as unknown.
    /// </summary>
    private static bool AsksForTheVersion(IReadOnlyList<string> args) =>
        args.ToArray() is [.. var path, "--version" or "-v"] && CommandPaths.Any(known => known.SequenceEqual(path, StringComparer.OrdinalIgnoreCase));

    private static int Report(IAnsiConsole console, Exception exception)
    {
        switch (exception)
        {
            case CommandAppException usage:
                if (usage.Pretty is { } pretty)
                    console.Write(pretty);
                else
                    console.MarkupLineInterpolated($"[red]Error:[/] {usage.Message}");
                console.MarkupLine("See --help.");
                return ExitCodes.Usage;
            case InvalidSettingException or OptionsValidationException:
                console.MarkupLineInterpolated($"[red]ReportSaga cannot start:[/] {exception.Message}");
                return ExitCodes.Usage;
            case System.Data.Common.DbException database:
                // A database's own message names what failed (no such table: run migrate; connection refused) and never the password.
                console.MarkupLineInterpolated($"[red]Failed:[/] the database answered {database.GetType().Name}: {database.Message}");
                return ExitCodes.Failed;
            default:
                // The type only: a connection failure's message can name the login or quote a connection string.
                console.MarkupLineInterpolated($"[red]Failed:[/] {exception.GetType().Name}. The database or the broker may be unreachable; nothing was changed.");
                return ExitCodes.Failed;
        }
    }
}
