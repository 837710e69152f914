using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.Persistence.Reports;
using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.Reports;

namespace ReportSaga.UnitTests.Service;

/// <summary>The <c>report_history</c> rows the saga writes as a report runs on the service's embedded defaults.</summary>
public sealed class When_a_report_runs_its_history_is_kept : IAsyncLifetime
{
    private readonly ServiceUnderTest _service = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_completed_report_has_every_transition_with_the_call_and_its_outcome()
    {
        var requestId = NewId.NextGuid();
        await _service.Services.GetRequiredService<IBus>().Publish(new RequestReport
        {
            RequestId = requestId, Report = ReportBodies.Monthly("history"), RequestedBy = "history-test",
        });

        var history = await HistoryUntilAsync(requestId, rows => rows.Any(x => x.ToState == "Completed"));

        var transitions = history.Where(x => x.FromState != x.ToState).Select(x => $"{x.FromState}->{x.ToState}").ToList();
        Assert.Equal(["Initial->Validating", "Validating->Queued", "Queued->Submitting", "Submitting->Waiting", "Waiting->Completed"], transitions);
        Assert.Equal("request accepted from history-test", history[0].Outcome);
        Assert.Contains(history, x => x.Call == "validate" && x.Outcome.StartsWith("estimated ", StringComparison.Ordinal));
        var submitted = Assert.Single(history, x => x.Call == "submit");
        Assert.StartsWith("submitted as report ", submitted.Outcome, StringComparison.Ordinal);
        var last = history[^1];
        Assert.Equal(("status-check", "completed", "status completed"), (last.Call, last.ProviderStatus, last.Outcome));
        Assert.Equal(history.OrderBy(x => x.Id).Select(x => x.At), history.Select(x => x.At).Order());
    }

    [Fact]
    public async Task A_cancelled_report_ends_its_history_with_the_cancellation()
    {
        var requestId = NewId.NextGuid();
        var bus = _service.Services.GetRequiredService<IBus>();
        await bus.Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("cancel") });
        await HistoryUntilAsync(requestId, rows => rows.Count > 0);

        await bus.Publish(new CancelReport { RequestId = requestId });

        var history = await HistoryUntilAsync(requestId, rows => rows.Any(x => x.ToState == "Failed"));
        var end = history[^1];
        Assert.Equal("CancelRequested", end.Event);
        Assert.Equal("Failed", end.ToState);
        Assert.Equal("cancel requested; failed: cancelled", end.Outcome);
    }

    private async Task<List<ReportHistoryRecord>> HistoryUntilAsync(Guid requestId, Func<List<ReportHistoryRecord>, bool> done)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            await using var db = _service.Services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
            var rows = await db.ReportHistory.AsNoTracking().Where(x => x.RequestId == requestId).OrderBy(x => x.Id).ToListAsync();
            if (done(rows))
                return rows;
            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"The history of report {requestId} did not reach the expected end within 30 s.");
    }
}
