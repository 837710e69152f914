using System.Text.Json;
using MassTransit;
using OpenQA.Selenium;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Messaging;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.OperatorConsole;

/// <summary>
/// Issue #13: the operator console at <c>/</c> in a real browser (Debian's headless chromium), against a service process
/// on RabbitMQ and PostgreSQL with an operator key, as an operator would use it: type the key, search for a report,
/// open its timeline with its trace link, cancel it and watch it end, put an error-queue message back on its queue.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_an_operator_uses_the_console_in_a_browser(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private const string OperatorKey = "browser-test-operator-key-0001";
    private const string TraceUrlTemplate = "http://jaeger.test:16686/trace/{traceId}";
    private static readonly string EntryErrorQueue = RequestReportEndpoint.Name + "_error";

    [Fact]
    public Task Searching_opens_a_report_s_timeline_and_cancelling_it_ends_it() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var service = await StartServiceAsync(scenario);
            // One report stays at the provider for a minute, long enough to be found and cancelled; two others finish.
            var slow = Reports.Plain(0, markers: "[sim:time=60s]") with { ExpectedFailure = ReportFailureReasons.Cancelled };
            await scenario.PublishAsync([slow, Reports.Plain(1), Reports.Plain(2)]);

            using var browser = ChromiumBrowser.Start();
            OpenConsole(browser, service);
            // The class's database is shared by its tests: at least this test's three.
            await browser.UntilAsync("its three reports in the counts", d => int.TryParse(Count(d, "total"), out var n) && n >= 3 ? "" : null);

            browser.Driver.FindElement(By.Id("search")).SendKeys(slow.RequestId.ToString());
            browser.Driver.FindElement(By.Id("search-button")).Click();
            var row = await browser.UntilAsync("only the searched report in the list", d =>
            {
                var rows = d.FindElements(By.CssSelector("#report-list tbody tr"));
                return rows.Count == 1 && rows[0].GetAttribute("data-request-id") == slow.RequestId.ToString() ? rows[0] : null;
            });

            row.Click();
            await browser.UntilAsync("the timeline waiting at the provider", d =>
                Fact(d, "state") == "Waiting" && d.FindElements(By.CssSelector("#timeline-entries li")).Count >= 4 ? "" : null);
            var timeline = browser.Driver.FindElement(By.Id("timeline-entries")).Text;
            Assert.Contains("Initial → Queued", timeline, StringComparison.Ordinal);
            Assert.Contains("submitted as report", timeline, StringComparison.Ordinal);
            var trace = browser.Driver.FindElement(By.Id("trace-link"));
            Assert.True(trace.Displayed, "The timeline shows no trace link.");
            Assert.Matches("^http://jaeger.test:16686/trace/[0-9a-f]{32}$", trace.GetAttribute("href"));

            browser.Driver.FindElement(By.Id("cancel-report")).Click();
            await browser.UntilAsync("the confirmation", d => d.FindElement(By.Id("confirm")).Displayed ? "" : null);
            Assert.Contains(slow.RequestId.ToString(), browser.Driver.FindElement(By.Id("confirm-text")).Text, StringComparison.Ordinal);
            browser.Driver.FindElement(By.Id("confirm-yes")).Click();

            await browser.UntilAsync("the report ended as cancelled", d => Fact(d, "state") == "Failed" ? "" : null);
            Assert.StartsWith("cancelled", Fact(browser.Driver, "failure"), StringComparison.Ordinal);
            var last = browser.Driver.FindElements(By.CssSelector("#timeline-entries li"))[^1].Text;
            Assert.Contains("Waiting → Failed", last, StringComparison.Ordinal);
            Assert.Contains("cancel requested; failed: cancelled", last, StringComparison.Ordinal);
            Assert.False(browser.Driver.FindElement(By.Id("cancel-report")).Displayed, "A finished report still offers Cancel.");

            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));
        });

    [Fact]
    public Task A_message_in_an_error_queue_is_redriven_and_its_report_runs_once() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var service = await StartServiceAsync(scenario);
            // A request MassTransit parked after a failure (a database outage, say), with the fault headers it adds.
            var parked = Reports.Plain(0);
            scenario.Expect([parked]);
            var errorQueue = await scenario.Observer.Bus.GetSendEndpoint(new Uri($"queue:{EntryErrorQueue}"));
            await errorQueue.Send(new RequestReport
            {
                RequestId = parked.RequestId, Report = JsonSerializer.SerializeToElement(parked.Body), RequestedBy = "browser test",
            }, context =>
            {
                context.Headers.Set("MT-Fault-Message", "simulated: the database was unreachable");
                context.Headers.Set("MT-Fault-ExceptionType", "Npgsql.NpgsqlException");
                context.Headers.Set("MT-Reason", "fault");
            });

            using var browser = ChromiumBrowser.Start();
            OpenConsole(browser, service);
            var message = await browser.UntilAsync("the parked message with its fault", d =>
                d.FindElements(By.CssSelector($"[data-queue='{EntryErrorQueue}'] tr[data-message-id]")).FirstOrDefault());
            Assert.Contains("simulated: the database was unreachable", message.Text, StringComparison.Ordinal);
            Assert.Contains("urn:message:ReportSaga.Contracts:RequestReport", message.Text, StringComparison.Ordinal);

            message.FindElement(By.CssSelector("button.redrive-one")).Click();
            await browser.UntilAsync("the confirmation", d => d.FindElement(By.Id("confirm")).Displayed ? "" : null);
            browser.Driver.FindElement(By.Id("confirm-yes")).Click();
            await browser.UntilAsync("the redrive's result", d =>
                d.FindElement(By.Id("message")).Text.Contains($"Moved 1 message(s) from {EntryErrorQueue}; 0 left.", StringComparison.Ordinal) ? "" : null);

            // The request ran once, as if it had never failed, and the error queue is empty.
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(90));
            await using var queues = await BrokerQueues.ConnectAsync(infrastructure.RabbitMqUri);
            Assert.Equal(0u, (await queues.CountsAsync(EntryErrorQueue))?.Messages);
            await browser.UntilAsync("the emptied queue", d =>
                d.FindElement(By.CssSelector($"[data-queue='{EntryErrorQueue}'] h3")).Text.Contains("(0)", StringComparison.Ordinal) ? "" : null);
        });

    private static async Task<ServiceProcess> StartServiceAsync(EndToEndScenario scenario)
    {
        var settings = scenario.Settings();
        settings["Http__ApiKeys"] = OperatorKey;
        settings["Telemetry__TraceUrlTemplate"] = TraceUrlTemplate;
        // Traces are recorded (no exporter is configured), so each report has a trace id to link to.
        settings.Remove("OTEL_SDK_DISABLED");
        return await scenario.StartServiceAsync("service", settings);
    }

    private static void OpenConsole(ChromiumBrowser browser, ServiceProcess service)
    {
        browser.Driver.Navigate().GoToUrl(service.BaseAddress);
        var key = browser.Driver.FindElement(By.Id("api-key"));
        key.SendKeys(OperatorKey);
        key.SendKeys(Keys.Tab); // the page takes the key on change
    }

    private static string? Count(IWebDriver driver, string state) =>
        driver.FindElements(By.CssSelector($"#counts .card[data-state='{state}'] .n")).FirstOrDefault()?.Text;

    private static string? Fact(IWebDriver driver, string name) =>
        driver.FindElements(By.CssSelector($"#timeline-facts dd[data-fact='{name}']")).FirstOrDefault()?.Text;
}
