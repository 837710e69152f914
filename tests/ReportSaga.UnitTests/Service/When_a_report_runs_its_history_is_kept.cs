using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports.History;
using ReportSaga.Persistence;
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
        Assert.Equal(["Initial->Queued", "Queued->Waiting", "Waiting->Completed"], transitions);
        // Validated as it was accepted: one entry says both.
        Assert.Equal("validate", history[0].Call);
        Assert.StartsWith("request accepted from history-test; estimated ", history[0].Outcome, StringComparison.Ordinal);
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

/// <summary>The history commits with the state change or not at all: a save that loses to a concurrent writer leaves no row.</summary>
public sealed class When_a_saga_save_conflicts_its_history_is_written_once : IAsyncLifetime
{
    private readonly ServiceUnderTest _service = new(null, services =>
        services.AddScoped<IReportHistory>(provider => new ConflictOnSubmissionAccepted(
            provider.GetRequiredService<ReportSagaDbContext>(), new EfReportHistory(provider.GetRequiredService<ReportSagaDbContext>()))));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task The_retried_change_has_one_history_row()
    {
        var requestId = NewId.NextGuid();
        await _service.Services.GetRequiredService<IBus>().Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("conflict") });

        List<ReportHistoryRecord> rows = [];
        for (var attempt = 0; attempt < 120 && !rows.Any(x => x.ToState == "Completed"); attempt++)
        {
            await Task.Delay(250);
            await using var db = _service.Services.GetRequiredService<IReportSagaDbContextFactory>().CreateDbContext();
            rows = await db.ReportHistory.AsNoTracking().Where(x => x.RequestId == requestId).OrderBy(x => x.Id).ToListAsync();
        }

        Assert.Contains(rows, x => x.ToState == "Completed");
        Assert.Equal(2, ConflictOnSubmissionAccepted.Attempts(requestId));
        Assert.Single(rows, x => x.Event == "SubmissionAccepted");
        Assert.Single(rows, x => x.FromState == "Queued" && x.ToState == "Waiting");
    }

    /// <summary>Plays another instance committing the same report between this attempt's load and its save, once.</summary>
    private sealed class ConflictOnSubmissionAccepted(ReportSagaDbContext db, IReportHistory inner) : IReportHistory
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> Seen = new();

        public static int Attempts(Guid requestId) => Seen.GetValueOrDefault(requestId);

        public void Record(ReportHistoryEntry entry)
        {
            inner.Record(entry);
            if (entry.Event == "SubmissionAccepted" && Seen.AddOrUpdate(entry.RequestId, 1, (_, n) => n + 1) == 1)
                db.Database.ExecuteSqlRaw("UPDATE report_state SET version = version + 1 WHERE correlation_id = {0}", entry.RequestId);
        }
    }
}
