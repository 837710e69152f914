using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

namespace ReportSaga.UnitTests.Service;

/// <summary><c>Scheduler__*</c> and <c>Outbox__*</c> (all of a section, <c>SendTimeout</c> too) reach the scheduler's and the outbox's options; absent ones keep the defaults.</summary>
public sealed class The_scheduler_and_outbox_parking_settings : IAsyncLifetime
{
    private readonly string _storage = Path.Combine(Path.GetTempPath(), $"reportsaga-parking-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:SqlitePath", _storage);
            web.UseSetting("Scheduler:RetryDelay", "00:00:02");
            web.UseSetting("Scheduler:MaxRetryDelay", "00:10:00");
            web.UseSetting("Scheduler:ParkAfterAttempts", "20");
            web.UseSetting("Scheduler:SendTimeout", "00:00:03");
            web.UseSetting("Outbox:ParkAfterAttempts", "5");
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_storage) + "*"))
            File.Delete(file);
    }

    [Fact]
    public void Are_the_ones_the_scheduler_and_the_outbox_use()
    {
        var scheduler = _factory.Services.GetRequiredService<IOptions<DurableSchedulerOptions>>().Value;
        var outbox = _factory.Services.GetRequiredService<IOptions<ReportSagaOutboxOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10), 20), (scheduler.RetryDelay, scheduler.MaxRetryDelay, scheduler.ParkAfterAttempts));
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.SendTimeout); // a hand copy of three fields once dropped it
        var defaults = new ReportSagaOutboxOptions();
        Assert.Equal((defaults.DeliveryRetryDelay, defaults.DeliveryMaxRetryDelay, 5),
            (outbox.DeliveryRetryDelay, outbox.DeliveryMaxRetryDelay, outbox.DeliveryParkAfterAttempts));
    }
}
