using Microsoft.Extensions.Logging;
using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>One reading of the account's credits from the provider, counted in the Batch API call metric.</summary>
public sealed class AccountCreditsReader(IBatchApiClient client, ILogger<AccountCreditsReader> logger)
{
    /// <summary>The remaining credits, or null when the provider did not answer with them (logged at Warning).</summary>
    public async Task<long?> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await client.GetRemainingCreditsAsync(cancellationToken);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Credits, result.Outcome);
        if (result is { IsSuccess: true, Value: { } credits })
            return credits.RemainingCredits;
        logger.LogWarning("Could not read the account's remaining credits ({Outcome}); the account guard uses the last reading, if any",
            ReportSagaTelemetry.OutcomeTag(result.Outcome));
        return null;
    }
}
