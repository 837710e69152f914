using ReportSaga.Service.Hosting;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary><c>migrate</c>: applies the schema to the configured database and exits (<see cref="MigrateCommand"/>).</summary>
public sealed class MigrateVerb : AsyncCommand<EmptyCommandSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellationToken) =>
        MigrateCommand.RunAsync(context.Remaining.Raw.ToArray());
}
