using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReportSaga.Persistence.Storage;

/// <summary>Options of the start-up migration.</summary>
public sealed class StorageStartupOptions
{
    /// <summary>Apply pending migrations at start-up (<c>Storage:MigrateOnStartup</c>, default true). When false, the
    /// service only checks them and logs an error, and the <c>ready</c> health check stays unhealthy until someone
    /// runs the <c>migrate</c> command.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

/// <summary>
/// Migrates before any other hosted service starts (it runs in <c>StartingAsync</c>), so the bus, the scheduler and
/// the outbox dispatchers never see an old schema.
/// </summary>
internal sealed class MigrationHostedService(
    IServiceProvider services,
    IOptions<StorageStartupOptions> options,
    StorageSettings settings,
    ILogger<MigrationHostedService> logger) : IHostedLifecycleService
{
    private int _done;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _done, 1) == 1)
            return;

        if (options.Value.MigrateOnStartup)
        {
            logger.LogInformation("Applying migrations to {Storage}", settings.Description);
            await ReportSagaDatabase.MigrateAsync(services, cancellationToken);
            return;
        }

        var status = await ReportSagaDatabase.CheckMigrationsAsync(services, cancellationToken);
        if (!status.IsCurrent)
            logger.LogError("The database {Storage} does not match this build ({Status}); run the migrate command", settings.Description, status);
    }

    // Hosts that know only IHostedService (the MassTransit test harness) call StartAsync alone.
    public Task StartAsync(CancellationToken cancellationToken) => StartingAsync(cancellationToken);
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
