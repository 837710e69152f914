using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Issue #12, item 1: every breach of a request limit or field rule that still names its request id ends the report
/// at once as <c>ReportFailed</c> reason <c>invalid</c>, with an error naming the field and the limit; nothing
/// reaches the provider and the saga keeps no body. Bodies are sent as publishers send them, byte for byte.
/// </summary>
public sealed class When_a_request_breaks_a_limit : ReportSagaTest
{
    private static readonly string ValidReport = Compact(ReportBodies.Monthly("limits"));

    [Theory]
    [InlineData("\"lots\"", "RequestReport.maxCredits must be a positive integer (was \"lots\").")]
    [InlineData("1.5", "RequestReport.maxCredits must be a positive integer (was 1.5).")]
    [InlineData("0", "RequestReport.maxCredits must be a positive integer (was 0).")]
    [InlineData("-3", "RequestReport.maxCredits must be a positive integer (was -3).")]
    [InlineData("9223372036854775808", "RequestReport.maxCredits must be a positive integer (was 9223372036854775808).")]
    public async Task A_max_credits_that_is_not_a_positive_integer_fails_as_invalid_naming_the_field(string maxCredits, string error)
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"maxCredits":{{maxCredits}}}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal([error], failed.Errors);
    }

    [Fact]
    public async Task A_requested_by_longer_than_its_column_fails_as_invalid_naming_the_field_and_the_limit()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"requestedBy":"{{new string('q', 5000)}}"}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal(["RequestReport.requestedBy must be at most 256 characters (was 5,000)."], failed.Errors);
    }

    [Fact]
    public async Task A_requested_by_of_exactly_its_column_size_in_characters_is_accepted()
    {
        var requestId = NewId.NextGuid();
        // 256 characters, 512 UTF-16 units: the column counts characters.
        var name = string.Concat(Enumerable.Repeat("😀", 256));
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"requestedBy":"{{name}}"}""");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
    }

    [Fact]
    public async Task An_enveloped_request_above_the_size_limit_fails_as_invalid_naming_the_setting_and_keeps_no_body()
    {
        var requestId = NewId.NextGuid();
        var padding = new string('x', 300 * 1024);
        var report = JsonDocument.Parse($$"""{"report_query":{"tables":[{"vtable":"traffic_and_engagement"}]},"padding":"{{padding}}"}""").RootElement.Clone();
        await Harness.Bus.Bus.Publish(new RequestReport { RequestId = requestId, Report = report, RequestedBy = "big-publisher" });

        var failed = await InvalidAsync(requestId);

        var error = Assert.Single(failed.Errors);
        Assert.Matches(@"^RequestReport is 3\d\d,\d{3} bytes, above the limit of 262,144 \(Requests__MaxBodyBytes\)\.$", error);
        var saga = Harness.Bus.GetSagaStateMachineHarness<ReportStateMachine, ReportState>().Sagas.Contains(requestId);
        Assert.NotNull(saga);
        Assert.Equal("{}", saga.Report);
        Assert.Null(saga.MaxCredits);
    }

    [Fact]
    public async Task A_plain_request_above_the_size_limit_fails_as_invalid_by_its_request_id()
    {
        var requestId = NewId.NextGuid();
        var body = $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"notes":"{{new string('n', 256 * 1024)}}"}""";
        await RawBodies.SendAsync(Harness, body);

        var failed = await InvalidAsync(requestId);

        Assert.Equal([$"RequestReport is {System.Text.Encoding.UTF8.GetByteCount(body):N0} bytes, above the limit of 262,144 (Requests__MaxBodyBytes)."], failed.Errors);
    }

    [Fact]
    public async Task A_body_nested_too_deeply_fails_as_invalid_naming_the_depth_limit()
    {
        var requestId = NewId.NextGuid();
        var deep = new string('[', 40) + new string(']', 40);
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"extra":{{deep}}}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal(["RequestReport nests objects and arrays 41 levels deep, above the limit of 32."], failed.Errors);
    }

    [Fact]
    public async Task A_body_cut_short_after_its_request_id_fails_as_invalid()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{"report_query":""");

        var failed = await InvalidAsync(requestId);

        Assert.StartsWith("RequestReport is not valid JSON: ", Assert.Single(failed.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"report\"", "RequestReport.report must be a JSON object (the Batch API request body), not string.")]
    [InlineData("[1]", "RequestReport.report must be a JSON object (the Batch API request body), not array.")]
    [InlineData("{\"report_query\":{\"tables\":[]}}", "RequestReport.report.report_query.tables must be a non-empty array.")]
    public async Task A_report_that_is_not_a_usable_object_fails_as_invalid(string report, string error)
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{report}}}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal([error], failed.Errors);
    }

    [Fact]
    public async Task A_field_given_twice_fails_as_invalid_naming_it()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"maxCredits":5,"MaxCredits":"lots"}""");

        var failed = await InvalidAsync(requestId);

        Assert.Equal(["RequestReport.maxCredits appears more than once."], failed.Errors);
    }

    [Fact]
    public async Task Unknown_fields_are_allowed_and_the_report_completes()
    {
        var requestId = NewId.NextGuid();
        await RawBodies.SendAsync(Harness,
            $$"""{"requestId":"{{requestId}}","report":{{ValidReport}},"maxCredits":100000,"requestedBy":"tests","context":{"order":[1,{"a":null}]},"priority":"high","deadline":"01:00:00"}""");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(requestId));
    }

    [Theory]
    [InlineData("""{"report":{}}""")]
    [InlineData("""{"requestId":"not-a-guid","maxCredits":"lots"}""")]
    [InlineData("""{"requestId":"00000000-0000-0000-0000-000000000000"}""")]
    [InlineData("""[{"requestId":"6f1c1d1e-0000-4000-8000-000000000001"}]""")]
    public async Task A_body_without_a_readable_request_id_starts_nothing_and_the_next_good_request_completes(string body)
    {
        await RawBodies.SendAsync(Harness, body);
        await Harness.SettleAsync();
        var good = await Harness.RequestAsync("after a poison message");

        Assert.IsType<ReportCompleted>(await Harness.RunToEndAsync(good));
        Assert.Single(Harness.Bus.Published.Select<ReportFailed>().Select(m => m.Context.Message).Concat<object>(
            Harness.Bus.Published.Select<ReportCompleted>().Select(m => m.Context.Message)));
        Assert.Equal(1, Harness.Calls(SimulatorEndpoint.Validate));
    }

    /// <summary>Waits for the report's one end, which must be <c>invalid</c>, before any call to the provider.</summary>
    private async Task<ReportFailed> InvalidAsync(Guid requestId)
    {
        await Harness.SettleAsync();
        var failed = Assert.IsType<ReportFailed>(Assert.Single(Harness.TerminalEvents(requestId)));
        Assert.Equal(ReportFailureReasons.Invalid, failed.Reason);
        Assert.Null(failed.ReportId);
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.Validate));
        Assert.Equal(0, Harness.Calls(SimulatorEndpoint.RequestReport));
        return failed;
    }

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);
}
