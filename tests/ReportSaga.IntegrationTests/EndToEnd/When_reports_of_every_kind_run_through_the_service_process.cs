using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #5, case 1: the service as deployed (its own process, Production settings, real RabbitMQ and PostgreSQL,
/// the provider simulated over HTTP) runs a mixed batch of reports from MassTransit and plain-JSON publishers.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_reports_of_every_kind_run_through_the_service_process(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public Task Every_report_ends_once_as_its_kind_requires_and_each_submitted_report_is_created_once() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            await scenario.StartServiceAsync("service");
            // 30 reports, five of each of six kinds; every third one comes as plain JSON from a bare AMQP client.
            var kinds = new Func<int, bool, PlannedReport>[]
            {
                (i, plain) => Reports.Plain(i, plain),
                Reports.RecoveredByRetry,
                Reports.BadRequest,
                Reports.OverBudget,
                (i, plain) => i % 2 == 0 ? Reports.InvalidAtProvider(i, plain) : Reports.MissingQuery(i, plain),
                Reports.RateLimitedTwice,
            };
            var reports = Enumerable.Range(0, 30).Select(i => kinds[i % kinds.Length](i, i % 3 == 0)).ToList();
            Assert.Contains(reports, r => r.PlainJson);

            await scenario.PublishAsync(reports);
            var outcomes = await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));

            Assert.Equal(15, outcomes["completed"]);
            Assert.Equal(5, outcomes[ReportFailureReasons.BadRequest]);
            Assert.Equal(5, outcomes[ReportFailureReasons.CreditBudgetExceeded]);
            Assert.Equal(5, outcomes[ReportFailureReasons.Invalid]);
            // Only the reports that passed validation and the budget reached the provider's request-report.
            Assert.Equal(20, scenario.Simulator.State.SubmittedReports().Count);
        });
}
