using System.ComponentModel;
using ReportSaga.Persistence.Reports;
using ReportSaga.Service.OperatorApi;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReportSaga.Service.Cli.Verbs;

/// <summary><c>reports cancel ID</c>: the operator API's cancel (<see cref="ReportCancellation"/>), through the configured broker.</summary>
public sealed class ReportsCancelVerb(IAnsiConsole console) : OperatorVerb<ReportsCancelVerb.Settings>(console)
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The report's request id.")]
        public Guid RequestId { get; set; }
    }

    protected override async Task<int> RunAsync(OperatorCliHost host, Settings settings, CancellationToken cancellationToken)
    {
        var reader = host.Services.GetRequiredService<IReportStatusReader>();
        var outcome = await host.WithBusAsync(bus => ReportCancellation.RequestAsync(settings.RequestId, reader, bus, cancellationToken), cancellationToken);
        switch (outcome?.Result)
        {
            case null:
                return Fail("Cancel needs the service's broker (ConnectionStrings__RabbitMq): the in-memory bus lives inside the service's process. Use the operator console or POST /reports/{id}/cancel there.");
            case CancelResult.NotFound:
                return Fail($"No report with request id {settings.RequestId}.");
            case CancelResult.AlreadyEnded:
                return Fail($"The report has already ended ({outcome.State}).");
            default:
                Console.WriteLine($"Cancel sent to report {settings.RequestId} (state {outcome.State}): it ends with ReportFailed reason cancelled. " +
                    "A submitted report may still be charged: the provider has no cancel call.");
                return ExitCodes.Ok;
        }
    }
}
