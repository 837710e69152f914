using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// Scheduling from a consumer behind the outbox: the schedule is written into the scheduler's table in the consume's own
/// transaction, committed or discarded with it, without a trip through the broker to the scheduler's queue. Written
/// once; each database's subclass gives the storage and the transport.
/// </summary>
public abstract class OutboxSchedulingTests : IAsyncLifetime
{
    private PersistenceTestHost _host = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>The broker the bus runs on (read after <see cref="CreateStorageAsync"/>).</summary>
    protected virtual TestTransport Transport => TestTransport.InMemory;

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageAsync();
        _host = await PersistenceTestHost.StartAsync(settings,
            configureBus: x =>
            {
                x.AddReportSagaOutbox(o => o.RunInboxCleanup = false);
                x.AddDurableMessageScheduler(o => o.RunDispatcher = false);
                x.AddConsumer<ScheduleTestPingConsumer>().Endpoint(e => e.Name = "schedule-test-ping");
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context),
            transport: Transport);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
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
