namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// A consumed message whose outbox is to be sent now, handed from the consume to the delivery workers.
/// </summary>
/// <param name="MessageId">The consumed message (with <paramref name="ConsumerId"/>, its inbox row).</param>
/// <param name="ConsumerId">MassTransit's id for the (endpoint, consumer or saga) pair.</param>
/// <param name="InboxId">Its inbox row's key, when the consume has just committed here (<paramref name="Messages"/> given).</param>
/// <param name="Messages">
/// The outbox rows the consume has just committed, in store order, so the worker sends them without reading them back;
/// null when they are known only to the database (a redelivery found the consume done but its outbox not yet sent).
/// </param>
internal sealed record CommittedConsume(Guid MessageId, Guid ConsumerId, long? InboxId, IReadOnlyList<OutboxMessage>? Messages);
