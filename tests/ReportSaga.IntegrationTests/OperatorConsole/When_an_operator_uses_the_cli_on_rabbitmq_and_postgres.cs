using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Service.Cli;
using Spectre.Console;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.OperatorConsole;

/// <summary>
/// Issue #13 item 4: the CLI's operator verbs against a running service's PostgreSQL and RabbitMQ, given the same
/// connection strings as the service: list and show what the service stored, cancel a report at the provider and see it
/// end as cancelled, and put error-queue messages back on their queue, one and then all, each report running once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_an_operator_uses_the_cli_on_rabbitmq_and_postgres(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private static readonly string EntryErrorQueue = RequestReportEndpoint.Name + "_error";

    [Fact]
    public Task Reports_are_listed_shown_with_their_history_and_one_is_cancelled() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            await scenario.StartServiceAsync("service");
            // The class's database is shared by its tests: this one lists only the reports it made from here on.
            var since = DateTimeOffset.UtcNow.ToString("O");
            // One report stays at the provider for a minute, long enough to be cancelled; two others end on their own.
            var slow = Reports.Plain(0, markers: "[sim:time=60s]") with { ExpectedFailure = ReportFailureReasons.Cancelled };
            var plain = Reports.Plain(1);
            var overBudget = Reports.OverBudget(2);
            await scenario.PublishAsync([slow, plain, overBudget]);
            Assert.Empty(await scenario.Events.WaitForEndsAsync([plain.RequestId, overBudget.RequestId], TimeSpan.FromSeconds(90)));

            var (listed, list) = await RunAsync("reports", "list", "--created-after", since);
            Assert.True(listed == 0, list);
            foreach (var report in new[] { slow, plain, overBudget })
                Assert.Contains(report.RequestId.ToString(), list, StringComparison.Ordinal);
            Assert.Contains("3 report(s).", list, StringComparison.Ordinal);

            var (_, failed) = await RunAsync("reports", "list", "--created-after", since, "--state", "Failed", "--failure-reason", "credit_budget_exceeded");
            Assert.Contains(overBudget.RequestId.ToString(), failed, StringComparison.Ordinal);
            Assert.DoesNotContain(plain.RequestId.ToString(), failed, StringComparison.Ordinal);
            Assert.Contains("1 report(s).", failed, StringComparison.Ordinal);

            var (paged, firstPage) = await RunAsync("reports", "list", "--created-after", since, "--limit", "2");
            Assert.Equal(0, paged);
            var cursor = Regex.Match(firstPage, @"More: --after (\S+)").Groups[1].Value;
            var (_, secondPage) = await RunAsync("reports", "list", "--created-after", since, "--limit", "2", "--after", cursor);
            Assert.Contains("1 report(s).", secondPage, StringComparison.Ordinal);
            Assert.DoesNotContain("More:", secondPage, StringComparison.Ordinal);

            var (shown, show) = await RunAsync("reports", "show", plain.RequestId.ToString());
            Assert.True(shown == 0, show);
            Assert.Matches(@"state\s+Completed", show);
            Assert.Contains("request accepted", show, StringComparison.Ordinal);
            Assert.Matches(@"SubmissionAccepted\s+Queued\s+Waiting", show);
            Assert.Matches(@"status-check\s+status completed", show);
            // The download URL's signature is for bus subscribers only.
            Assert.Matches(@"download\s+https?://\S+", show);
            Assert.DoesNotContain("?", Regex.Match(show, @"download\s+(\S+)").Groups[1].Value, StringComparison.Ordinal);

            await WaitUntilAsync(async () => (await RunAsync("reports", "show", slow.RequestId.ToString())).Output.Contains("SubmissionAccepted", StringComparison.Ordinal));
            var (cancelled, cancel) = await RunAsync("reports", "cancel", slow.RequestId.ToString());
            Assert.True(cancelled == 0, cancel);
            Assert.Contains($"Cancel sent to report {slow.RequestId}", cancel, StringComparison.Ordinal);
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));

            var (_, afterCancel) = await RunAsync("reports", "show", slow.RequestId.ToString());
            Assert.Matches(@"failure reason\s+cancelled", afterCancel);
            Assert.Contains("cancel requested; failed: cancelled", afterCancel, StringComparison.Ordinal);
            var (again, ended) = await RunAsync("reports", "cancel", slow.RequestId.ToString());
            Assert.Equal((1, true), (again, ended.Contains("The report has already ended (Failed).", StringComparison.Ordinal)));
            var unknown = Guid.NewGuid();
            Assert.Equal(1, (await RunAsync("reports", "show", unknown.ToString())).ExitCode);
            Assert.Equal(1, (await RunAsync("reports", "cancel", unknown.ToString())).ExitCode);
        });

    [Fact]
    public Task Error_messages_are_listed_and_redriven_one_then_all_and_each_report_runs_once() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            await scenario.StartServiceAsync("service");
            var parked = Enumerable.Range(0, 3).Select(i => Reports.Plain(i)).ToList();
            scenario.Expect(parked);
            var messageIds = parked.Select(_ => NewId.NextGuid()).ToList();
            var errorQueue = await scenario.Observer.Bus.GetSendEndpoint(new Uri($"queue:{EntryErrorQueue}"));
            for (var i = 0; i < parked.Count; i++)
            {
                var (report, messageId) = (parked[i], messageIds[i]);
                await errorQueue.Send(new RequestReport { RequestId = report.RequestId, Report = JsonSerializer.SerializeToElement(report.Body) },
                    context =>
                    {
                        context.MessageId = messageId;
                        context.Headers.Set("MT-Fault-Message", $"simulated outage {report.RequestId}");
                    });
            }

            var (listed, list) = await RunAsync("errors", "list");
            Assert.True(listed == 0, list);
            Assert.Contains($"{EntryErrorQueue}: 3 message(s), redrive to {RequestReportEndpoint.Name}", list, StringComparison.Ordinal);
            foreach (var report in parked)
                Assert.Contains($"simulated outage {report.RequestId}", list, StringComparison.Ordinal);

            var (one, moveOne) = await RunAsync("errors", "redrive", EntryErrorQueue, "--message", messageIds[1].ToString());
            Assert.True(one == 0, moveOne);
            Assert.Contains($"Moved 1 message(s) from {EntryErrorQueue} back to {RequestReportEndpoint.Name}; 2 left", moveOne, StringComparison.Ordinal);
            Assert.Empty(await scenario.Events.WaitForEndsAsync([parked[1].RequestId], TimeSpan.FromSeconds(90)));
            var (missing, notThere) = await RunAsync("errors", "redrive", EntryErrorQueue, "--message", messageIds[1].ToString());
            Assert.True(missing == 1, notThere);

            var (all, moveAll) = await RunAsync("errors", "redrive", EntryErrorQueue);
            Assert.True(all == 0, moveAll);
            Assert.Contains("Moved 2 message(s)", moveAll, StringComparison.Ordinal);
            Assert.Contains("0 left", moveAll, StringComparison.Ordinal);
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));
            await using var queues = await BrokerQueues.ConnectAsync(infrastructure.RabbitMqUri);
            Assert.Equal(0u, (await queues.CountsAsync(EntryErrorQueue))?.Messages);
        });

    /// <summary>Runs the CLI in process as <c>ReportSaga.Service VERB … -- settings</c>, with the service's broker and database.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No,
        });
        console.Profile.Width = 300;
        var exitCode = await ReportSagaCli.RunAsync(
        [
            .. args, "--",
            $"--ConnectionStrings:RabbitMq={infrastructure.RabbitMqUri}",
            $"--ConnectionStrings:Postgres={infrastructure.PostgresConnectionString}",
        ], console);
        output.WriteLine($"$ reports-saga {string.Join(' ', args)} -> {exitCode}{Environment.NewLine}{text}");
        return (exitCode, text.ToString());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (await condition())
                return;
            await Task.Delay(500);
        }

        throw new Xunit.Sdk.XunitException("The condition was not met within 30 s.");
    }
}
