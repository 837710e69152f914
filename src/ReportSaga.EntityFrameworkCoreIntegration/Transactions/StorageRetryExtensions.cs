using MassTransit;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>
/// Message retry for storage conflicts. MassTransit does not retry a <c>DbUpdateConcurrencyException</c> by itself;
/// put this retry on every endpoint that touches the database, OUTSIDE the outbox (configure it on the endpoint
/// before <c>UseReportSagaOutbox</c>), so each attempt starts with a fresh scope and a failed attempt's messages
/// are discarded with its transaction.
/// </summary>
public static class StorageRetryExtensions
{
    /// <summary>Makes a retry policy handle <see cref="StorageErrors.IsRetryable"/> exceptions (add other filters as needed).</summary>
    public static IRetryConfigurator HandleStorageConflicts(this IRetryConfigurator retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Handle<Exception>(StorageErrors.IsRetryable);
        return retry;
    }

    /// <summary>
    /// Adds a message retry for storage conflicts only: up to 10 attempts, quickly at first (a lost race is usually
    /// settled by the next read) and spread out with jitter-free steps up to 2 s.
    /// </summary>
    public static void UseStorageConflictRetry(this IConsumePipeConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.UseMessageRetry(retry =>
        {
            retry.Intervals(10, 25, 50, 100, 200, 400, 800, 1200, 1600, 2000);
            retry.HandleStorageConflicts();
        });
    }
}
