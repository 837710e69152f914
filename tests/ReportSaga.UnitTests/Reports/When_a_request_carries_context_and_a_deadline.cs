using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Testing;
using ReportSaga.Contracts;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Issue #14: the caller's <c>context</c> and <c>requestedBy</c> come back on every event of its report (and
/// <c>requestedBy</c> in the header the by-requester exchanges route on), and a request may set its own
/// <c>deadline</c> within the service's limit (<c>Reports:Deadline</c>, two hours in this harness).
/// </summary>
public sealed class When_a_request_carries_context_and_a_deadline : ReportSagaTest
{
    private const string Context = """{"orderId":4711,"nested":{"tags":["q4","eu"],"note":null,"ratio":0.25}}""";
    private static readonly string ValidReport = JsonSerializer.Serialize(ReportBodies.Monthly("context"));

    [Fact]
    public async Task Every_event_of_the_report_carries_its_requested_by_and_context_unchanged()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"requestedBy":"orders","context":{{Context}}}""");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));

        var events = Events(requestId);
        Assert.Contains(events, e => e.Message is ReportValidated);
        Assert.Contains(events, e => e.Message is ReportSubmitted);
        Assert.Contains(events, e => e.Message is ReportStatusChanged);
        Assert.Contains(events, e => e.Message is ReportCompleted);
        foreach (var (message, requestedBy, context, header) in events)
        {
            Assert.Equal("orders", requestedBy);
            Assert.True(context is { } c && JsonNode.DeepEquals(JsonNode.Parse(Context), JsonNode.Parse(c.GetRawText())),
                $"{message.GetType().Name} carried context {context?.GetRawText() ?? "null"}");
            Assert.Equal("orders", header);
        }
    }

    [Fact]
    public async Task A_report_without_context_or_requester_publishes_events_without_them()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}}}""");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));

        Assert.All(Events(requestId), e =>
        {
            Assert.Null(e.RequestedBy);
            Assert.Null(e.Context);
            Assert.Null(e.Header);
        });
    }

    [Fact]
    public async Task A_refused_request_still_gets_its_valid_context_back_on_the_failure()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"maxCredits":0,"requestedBy":"orders","context":{{Context}}}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal("orders", failed.RequestedBy);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Context), JsonNode.Parse(failed.Context!.Value.GetRawText())));
    }

    [Fact]
    public async Task A_context_above_its_size_limit_fails_as_invalid_naming_the_field_and_the_limit()
    {
        var requestId = NewId.NextGuid();
        var big = $$"""{"blob":"{{new string('c', 5000)}}"}""";
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"context":{{big}}}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal(["RequestReport.context must be at most 4,096 bytes of JSON (was 5,011)."], failed.Errors);
        Assert.Null(failed.Context);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"order 4711\"")]
    [InlineData("42")]
    public async Task A_context_that_is_not_an_object_fails_as_invalid_naming_the_field(string context)
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"context":{{context}}}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal([$"RequestReport.context must be a JSON object (was {context})."], failed.Errors);
    }

    [Fact]
    public async Task A_deadline_as_a_duration_ends_the_report_at_its_own_deadline_before_the_services_limit()
    {
        var requestId = NewId.NextGuid();
        // The simulator takes 30 s of processing; this request allows 20 s.
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"deadline":"00:00:20"}""");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId, step: TimeSpan.FromSeconds(1)));

        Assert.Equal(ReportFailureReasons.DeadlineExceeded, failed.Reason);
        var error = Assert.Single(failed.Errors);
        Assert.Equal($"The report did not finish by its deadline, {ReportSagaHarness.Start.AddSeconds(20):O} (RequestReport.deadline).", error);
        // Before the simulator's 30 s of processing were over, and long before the service's two hours.
        Assert.True(Harness.Time.GetUtcNow() - ReportSagaHarness.Start < TimeSpan.FromSeconds(30));
        Assert.Empty(Harness.Published<ReportCompleted>(requestId, m => m.RequestId));
    }

    [Fact]
    public async Task A_deadline_as_a_time_ends_the_report_then()
    {
        var requestId = NewId.NextGuid();
        var at = ReportSagaHarness.Start.AddSeconds(15).ToOffset(TimeSpan.FromHours(1));
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"deadline":"{{at:yyyy-MM-ddTHH:mm:sszzz}}"}""");

        var failed = Assert.IsType<ReportFailed>(await Harness.RunToEndAsync(requestId, step: TimeSpan.FromSeconds(1)));

        Assert.Equal(ReportFailureReasons.DeadlineExceeded, failed.Reason);
        Assert.Equal([$"The report did not finish by its deadline, {at.ToUniversalTime():O} (RequestReport.deadline)."], failed.Errors);
        Assert.True(Harness.Time.GetUtcNow() - ReportSagaHarness.Start < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_deadline_long_enough_lets_the_report_complete()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"deadline":"00:10:00"}""");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
    }

    [Fact]
    public async Task A_deadline_beyond_the_services_limit_fails_as_invalid_naming_the_setting()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"deadline":"03:00:00"}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal(["RequestReport.deadline 03:00:00 is beyond the service's limit of 02:00:00 from now (Reports__Deadline)."], failed.Errors);
    }

    [Fact]
    public async Task A_deadline_already_past_fails_as_invalid()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"deadline":"2025-01-01T00:00:00Z"}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal(["RequestReport.deadline 2025-01-01T00:00:00Z has already passed."], failed.Errors);
    }

    [Theory]
    [InlineData("\"tomorrow\"")]
    [InlineData("\"1\"")]
    [InlineData("\"2026-01-05T12:00:00\"")]
    [InlineData("\"-00:10:00\"")]
    [InlineData("\"00:00:00\"")]
    [InlineData("3600")]
    public async Task A_deadline_in_another_form_fails_as_invalid_naming_the_forms_it_takes(string deadline)
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"deadline":{{deadline}}}""");

        var failed = await InvalidAsync(requestId);

        var error = Assert.Single(failed.Errors);
        Assert.StartsWith("RequestReport.deadline must be ", error, StringComparison.Ordinal);
        Assert.Contains("\"01:30:00\"", error, StringComparison.Ordinal);
    }

    private sealed record Event(object Message, string? RequestedBy, JsonElement? Context, string? Header);

    /// <summary>Every public event published for the report, with the header the by-requester exchanges route on.</summary>
    private List<Event> Events(Guid requestId)
    {
        var published = Harness.Bus.Published;
        return
        [
            .. published.Select<ReportValidated>().Where(m => m.Context.Message.RequestId == requestId)
                .Select(m => new Event(m.Context.Message, m.Context.Message.RequestedBy, m.Context.Message.Context, Header(m.Context))),
            .. published.Select<ReportSubmitted>().Where(m => m.Context.Message.RequestId == requestId)
                .Select(m => new Event(m.Context.Message, m.Context.Message.RequestedBy, m.Context.Message.Context, Header(m.Context))),
            .. published.Select<ReportStatusChanged>().Where(m => m.Context.Message.RequestId == requestId)
                .Select(m => new Event(m.Context.Message, m.Context.Message.RequestedBy, m.Context.Message.Context, Header(m.Context))),
            .. published.Select<ReportCompleted>().Where(m => m.Context.Message.RequestId == requestId)
                .Select(m => new Event(m.Context.Message, m.Context.Message.RequestedBy, m.Context.Message.Context, Header(m.Context))),
            .. published.Select<ReportFailed>().Where(m => m.Context.Message.RequestId == requestId)
                .Select(m => new Event(m.Context.Message, m.Context.Message.RequestedBy, m.Context.Message.Context, Header(m.Context))),
        ];
    }

    private static string? Header(SendContext context) => context.Headers.Get<string>(ReportEventRouting.RequestedByHeader);

    private async Task<ReportFailed> InvalidAsync(Guid requestId)
    {
        await Harness.SettleAsync();
        var failed = Assert.IsType<ReportFailed>(Assert.Single(Harness.TerminalEvents(requestId)));
        Assert.Equal(ReportFailureReasons.Invalid, failed.Reason);
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.Validate));
        return failed;
    }
}
