using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The scheduler's hosted dispatcher, woken by the fake clock rather than driven by hand: the message goes out once the
/// clock reaches its due time, with its token. Written once; each database's subclass gives the storage and the
/// transport.
/// </summary>
public abstract class HostedSchedulerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
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
                x.AddDurableMessageScheduler(o => o.PollInterval = TimeSpan.FromSeconds(5));
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
                x.AddConsumer<PingConsumer>().Endpoint(e => e.Name = "scheduled-ping");
            },
            configureServices: services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<PingLog>();
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context),
            transport: Transport);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    [Fact]
    public async Task The_message_goes_out_with_its_token_once_the_clock_reaches_its_due_time()
    {
        var pingId = Guid.NewGuid();
        var due = _time.GetUtcNow().UtcDateTime.AddHours(1);
        ScheduledMessage<ScheduledPing> scheduled;
        await using (var scope = _host.Provider.CreateAsyncScope())
            scheduled = await scope.ServiceProvider.GetRequiredService<IMessageScheduler>()
                .ScheduleSend(new Uri("queue:scheduled-ping"), due, new ScheduledPing(pingId));
        await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.CountAsync()), n => n == 1);

        var log = _host.Provider.GetRequiredService<PingLog>();
        // Move the fake clock on in steps until the dispatcher, sleeping on it, has sent the message; note the
        // clock's reading when the message was first seen.
        var seenAt = await Eventually.Until(async () =>
        {
            var before = _time.GetUtcNow().UtcDateTime;
            await Task.Delay(50);
            if (log.Received.Any(x => x.PingId == pingId))
                return (DateTime?)before;
            _time.Advance(TimeSpan.FromMinutes(5));
            return null;
        }, at => at is not null);

        Assert.NotNull(seenAt);
        Assert.True(seenAt >= due, $"sent at fake {seenAt:O}, due {due:O}");
        var ping = Assert.Single(log.Received, x => x.PingId == pingId);
        Assert.Equal(scheduled.TokenId.ToString("N"), ping.TokenHeader);
        Assert.Equal(0, await Eventually.Until(() => _host.QueryAsync(db => db.ScheduledMessages.CountAsync()), n => n == 0));
    }
}
