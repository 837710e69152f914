using System.ComponentModel;
using ReportSaga.Service.OperatorApi;
using ReportSaga.Service.OperatorApi.ErrorQueues;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary>
/// <c>errors redrive QUEUE [--message ID]</c>: moves messages of an error queue back to the queue they failed on, with the
/// operator API's redrive (<see cref="IErrorQueues.RedriveAsync"/>): none lost, none duplicated.
/// </summary>
public sealed class ErrorsRedriveVerb(IAnsiConsole console) : OperatorVerb<ErrorsRedriveVerb.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<QUEUE>")]
        [Description("The error queue, e.g. report-requests_error (see errors list).")]
        public string Queue { get; set; } = "";

        [CommandOption("--message <ID>")]
        [Description("Only the message with this message id.")]
        public string? MessageId { get; set; }

        [CommandOption("--limit <N>")]
        [Description("At most this many messages, from the head (1-10000, default 1000).")]
        public int Limit { get; set; } = ErrorQueueEndpoints.DefaultRedriveLimit;

        public override ValidationResult Validate() =>
            !ServiceErrorQueueNames.ErrorQueues.Contains(Queue)
                ? ValidationResult.Error($"{Queue} is not one of the service's error queues ({string.Join(", ", ServiceErrorQueueNames.ErrorQueues)}).")
            : Limit is < 1 or > ErrorQueueEndpoints.MaxRedriveLimit
                ? ValidationResult.Error($"--limit must be between 1 and {ErrorQueueEndpoints.MaxRedriveLimit}.")
            : ValidationResult.Success();
    }

    protected override async Task<int> RunAsync(OperatorCliHost host, Settings settings, CancellationToken cancellationToken)
    {
        var queues = host.Services.GetRequiredService<IErrorQueues>();
        if (queues.Unavailable is { } reason)
            return Fail(reason);
        var result = await queues.RedriveAsync(settings.Queue, settings.MessageId, settings.MessageId is null ? settings.Limit : 1, cancellationToken);
        if (result.NotFound is { } missing)
            return Fail(missing);
        Console.WriteLine($"Moved {result.Moved} message(s) from {result.Queue} back to {ServiceErrorQueueNames.SourceOf(result.Queue)}; {result.Remaining} left in {result.Queue}.");
        return ExitCodes.Ok;
    }
}
