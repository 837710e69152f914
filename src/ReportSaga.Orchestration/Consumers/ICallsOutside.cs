namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// Marks a consumer that calls a service outside this one (the Batch API) and may wait on it for a long time. The host
/// runs such a consumer with no database transaction, row lock or connection held while it works, and commits what it
/// produced in one short transaction afterwards (see the Persistence README). In exchange, duplicate deliveries of one
/// message may run it at the same time, and only the first to finish takes effect: a marked consumer must be safe to
/// run twice at once (an idempotent call, or a guard of its own such as the submission ledger).
/// </summary>
public interface ICallsOutside
{
    /// <summary>Whether <paramref name="consumerType"/> is marked.</summary>
    static bool IsMarked(Type consumerType) => typeof(ICallsOutside).IsAssignableFrom(consumerType);
}
