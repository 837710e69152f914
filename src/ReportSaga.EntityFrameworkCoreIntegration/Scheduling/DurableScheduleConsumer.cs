using MassTransit;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

/// <summary>
/// Stores scheduled messages (<see cref="ScheduleMessage"/>) and cancellations (<see cref="CancelScheduledMessage"/>)
/// that arrive over the bus; <see cref="ScheduledMessageDispatcher"/> sends them when due. The ones a consume makes
/// inside the outbox are written in its transaction directly (<see cref="ScheduledMessageStore"/>) and never come here.
/// </summary>
internal sealed class DurableScheduleConsumer(IMessagingDbContextFactory contexts, IServiceProvider scope, ScheduledMessageStore store) :
    IConsumer<ScheduleMessage>,
    IConsumer<CancelScheduledMessage>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var db = context.TryGetPayload(out IDbTransactionScope? transactionScope) ? transactionScope.DbContext : contexts.ScopedDbContext(scope);
        await store.ScheduleAsync(db, context.Message, ScheduleCommandContext.Of(context), context.SerializerContext, context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var db = context.TryGetPayload(out IDbTransactionScope? transactionScope) ? transactionScope.DbContext : contexts.ScopedDbContext(scope);
        await store.CancelAsync(db, context.Message.TokenId, context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
