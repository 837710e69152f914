using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Persistence.Outbox;
using ReportSaga.Persistence.Scheduling;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>
/// Scheduling from a consumer behind the outbox: the schedule is written into the scheduler's table in the consume's own
/// transaction, committed or discarded with it, without a trip through the broker to the scheduler's queue.
/// </summary>
public sealed class When_a_consumer_schedules_through_the_outbox_in_sqlite : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(_storage.Settings,
            configureBus: x =>
            {
                x.AddReportSagaOutbox(o => o.RunInboxCleanup = false);
                x.AddDurableMessageScheduler(o => o.RunDispatcher = false);
                x.AddConsumer<ScheduleTestPingConsumer>().Endpoint(e => e.Name = "schedule-test-ping");
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
    }

    private async Task SendAsync(ScheduleTestPing command)
    {
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new Uri("queue:schedule-test-ping"));
        await endpoint.Send(command);
    }

    [Fact]
    public async Task A_committed_consume_stores_its_scheduled_message()
    {
        var pingId = Guid.NewGuid();
        await SendAsync(new ScheduleTestPing(pingId));

        var rows = await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.AsNoTracking().ToListAsync()),
            l => l.Any(r => r.Body.Contains(pingId.ToString())));

        Assert.Single(rows, r => r.Body.Contains(pingId.ToString()) && r.Destination.EndsWith("scheduled-ping"));
        await _host.Harness.InactivityTask;
        Assert.False(await _host.Harness.Consumed.Any<MassTransit.Scheduling.ScheduleMessage>());
        Assert.False(await _host.QueryAsync(db => db.OutboxMessages.AnyAsync()));
    }

    [Fact]
    public async Task A_failed_consume_schedules_nothing()
    {
        var pingId = Guid.NewGuid();
        await SendAsync(new ScheduleTestPing(pingId, Fail: true));

        Assert.True(await _host.Harness.Consumed.Any<ScheduleTestPing>(x => x.Context.Message.PingId == pingId && x.Exception is not null));
        await _host.Harness.InactivityTask;

        Assert.False(await _host.QueryAsync(db => db.ScheduledMessages.AnyAsync()));
        Assert.False(await _host.QueryAsync(db => db.OutboxMessages.AnyAsync()));
    }
}
