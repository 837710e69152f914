using System.ComponentModel;
using ReportSaga.Service.OperatorApi;
using ReportSaga.Service.OperatorApi.ErrorQueues;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary><c>errors list</c>: the service's <c>_error</c> queues with their depth and why their first messages failed (<c>GET /errors</c>).</summary>
public sealed class ErrorsListVerb(IAnsiConsole console) : OperatorVerb<ErrorsListVerb.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--peek <N>")]
        [Description("How many messages of each queue to show (0-100, default 20); they stay in the queue.")]
        public int Peek { get; set; } = ErrorQueueEndpoints.DefaultPeek;

        public override ValidationResult Validate() => Peek is < 0 or > ErrorQueueEndpoints.MaxPeek
            ? ValidationResult.Error($"--peek must be between 0 and {ErrorQueueEndpoints.MaxPeek}.")
            : ValidationResult.Success();
    }

    protected override async Task<int> RunAsync(OperatorCliHost host, Settings settings, CancellationToken cancellationToken)
    {
        var queues = host.Services.GetRequiredService<IErrorQueues>();
        if (queues.Unavailable is { } reason)
            return Fail(reason);
        var views = await queues.ListAsync(settings.Peek, cancellationToken);
        if (views.Count == 0)
        {
            Console.WriteLine("No error queue: nothing has failed.");
            return ExitCodes.Ok;
        }

        foreach (var view in views)
        {
            Console.MarkupLineInterpolated($"[bold]{view.Queue}[/]: {view.Depth} message(s), redrive to {view.SourceQueue}");
            if (view.Messages.Count == 0)
                continue;
            var table = new Table().Border(TableBorder.Simple).AddColumns("message id", "type", "fault", "exception", "faulted at");
            foreach (var message in view.Messages)
            {
                table.AddRow(new Text(message.MessageId ?? ""), new Text(message.MessageType ?? ""), new Text(message.FaultReason ?? ""),
                    new Text(message.ExceptionType ?? ""), new Text(message.FaultedAt ?? ""));
            }

            Console.Write(table);
        }

        return ExitCodes.Ok;
    }
}
