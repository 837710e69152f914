using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReportSaga.Persistence.Storage;

/// <summary>
/// Ready when the database opens and carries exactly this build's migrations. Its description names the kind of
/// database only: the health endpoints are open to anyone who reaches the port, so host, database name and file
/// path stay in the start-up log line.
/// </summary>
internal sealed class StorageHealthCheck(IReportSagaDbContextFactory factory, StorageSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var kind = settings.Provider.ToString().ToLowerInvariant();
        try
        {
            await using var db = factory.CreateDbContext();
            if (!await db.Database.CanConnectAsync(cancellationToken))
                return HealthCheckResult.Unhealthy($"{kind}: cannot open the database");

            var status = await ReportSagaDatabase.CheckMigrationsAsync(db, cancellationToken);
            return status.IsCurrent
                ? HealthCheckResult.Healthy($"{kind}: {status}")
                : HealthCheckResult.Unhealthy($"{kind}: {status}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The exception's type only: provider messages can echo connection details.
            return HealthCheckResult.Unhealthy($"{kind}: cannot open the database ({exception.GetType().Name})");
        }
    }
}
