using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary>An operator verb: opens the service's storage and broker from its settings, runs, and closes them.</summary>
public abstract class OperatorVerb<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings>
    where TSettings : CommandSettings
{
    protected IAnsiConsole Console { get; } = console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        await using var host = OperatorCliHost.Create(context.Remaining.Raw);
        return await RunAsync(host, settings, cancellationToken);
    }

    protected abstract Task<int> RunAsync(OperatorCliHost host, TSettings settings, CancellationToken cancellationToken);

    /// <summary>The operation could not be carried out as asked: say why, exit 1.</summary>
    protected int Fail(string reason)
    {
        Console.MarkupLineInterpolated($"[red]{reason}[/]");
        return ExitCodes.Failed;
    }
}
