using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReportSaga.Persistence.Storage;

/// <summary>Ready when the database opens and carries exactly this build's migrations.</summary>
internal sealed class StorageHealthCheck(IReportSagaDbContextFactory factory, StorageSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = factory.CreateDbContext();
            if (!await db.Database.CanConnectAsync(cancellationToken))
                return HealthCheckResult.Unhealthy($"cannot open {settings.Description}");

            var status = await ReportSagaDatabase.CheckMigrationsAsync(db, cancellationToken);
            return status.IsCurrent
                ? HealthCheckResult.Healthy(settings.Description)
                : HealthCheckResult.Unhealthy($"{settings.Description}: {status}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The exception's type only: provider messages can echo connection details.
            return HealthCheckResult.Unhealthy($"cannot open {settings.Description}: {exception.GetType().Name}");
        }
    }
}
