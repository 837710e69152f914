using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.UnitTests.Reports;

/// <summary>
/// Issue #16: <c>priority</c> on <see cref="RequestReport"/>. A waiting report of a higher priority gets the next free
/// submission slot, whoever asked and whenever it arrived; a value other than low, normal or high is refused naming the
/// field.
/// </summary>
public sealed class When_reports_have_priorities : ReportSagaTest
{
    protected override void Settings(IDictionary<string, string?> settings) => settings["Submission:MaxInFlight"] = "1";

    [Theory]
    [InlineData("\"urgent\"", "RequestReport.priority must be one of low, normal, high (was \"urgent\").")]
    [InlineData("\"High\"", "RequestReport.priority must be one of low, normal, high (was \"High\").")]
    [InlineData("2", "RequestReport.priority must be one of low, normal, high (was 2).")]
    public async Task A_priority_other_than_low_normal_or_high_fails_as_invalid_naming_the_field(string priority, string error)
    {
        var requestId = NewId.NextGuid();
        var report = System.Text.Json.JsonSerializer.Serialize(ReportBodies.Monthly("priorities"));
        await RawBodies.SendAsync(Harness, $$"""{"requestId":"{{requestId}}","report":{{report}},"priority":{{priority}}}""");

        var failed = await Harness.RunToEndAsync(requestId);

        var refusal = Assert.IsType<ReportFailed>(failed);
        Assert.Equal(ReportFailureReasons.Invalid, refusal.Reason);
        Assert.Equal([error], refusal.Errors);
    }

    [Fact]
    public async Task Waiting_reports_are_granted_high_then_normal_then_low_whatever_their_arrival()
    {
        var holder = await PublishAsync("holds the only slot [sim:time=10m]", null, "team-a");
        await Harness.AdvanceUntilAsync(() => Harness.Calls(ReportSaga.Simulator.SimulatorEndpoint.RequestReport) == 1,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "the holder submitted");
        var low = await PublishAsync("low", ReportPriorities.Low, "team-b");
        await Harness.SettleAsync();
        var normal = await PublishAsync("normal", null, "team-c");
        await Harness.SettleAsync();
        var high = await PublishAsync("high", ReportPriorities.High, "team-d");
        await Harness.SettleAsync();

        await Harness.AdvanceUntilAsync(() => new[] { holder, low, normal, high }.All(id => Harness.TerminalEvents(id).Count == 1),
            TimeSpan.FromSeconds(10), TimeSpan.FromHours(2), "all four ended");

        var grantOrder = Harness.Bus.Sent.Select<SubmitReport>().Select(m => m.Context.Message.RequestId).ToList();
        Assert.Equal([holder, high, normal, low], grantOrder);
    }

    private async Task<Guid> PublishAsync(string name, string? priority, string requestedBy)
    {
        var id = NewId.NextGuid();
        await Harness.Bus.Bus.Publish(new RequestReport
        {
            RequestId = id, Report = ReportBodies.Monthly(name), RequestedBy = requestedBy, Priority = priority,
        });
        return id;
    }
}
