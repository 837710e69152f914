using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>
/// The consume context inside the outbox: everything the consumer or saga sends, publishes or schedules becomes an
/// <see cref="OutboxMessage"/> row on the shared DbContext (core's proxy swaps the send, publish and scheduler
/// providers), and the inbox row records the consumption.
/// </summary>
internal sealed class EfOutboxConsumeContext<TMessage> : OutboxConsumeContextProxy<TMessage>, IDbTransactionScope
    where TMessage : class
{
    private readonly DbContext _db;
    private readonly IDatabaseDialect _dialect;
    private readonly InboxState _inbox;
    private readonly HeldLocks _locks;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _addLock = new(1, 1);
    private readonly ScheduledMessageStore? _schedules;

    // PostgreSQL: the upsert that locked the inbox row wrote it consumed already (it commits with the consume or not
    // at all), so the row read back says consumed before the consumer has run.
    private readonly bool _consumedOnInsert;

    public EfOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider,
        DbContext db, IDatabaseDialect dialect, InboxState inbox, HeldLocks locks, TimeProvider time, bool consumedOnInsert)
        : base(context, options, provider)
    {
        _consumedOnInsert = consumedOnInsert;
        _db = db;
        _dialect = dialect;
        _inbox = inbox;
        _locks = locks;
        _time = time;
        _schedules = provider.GetService<ScheduledMessageStore>();
    }

    public DbContext DbContext => _db;

    public Task HoldAsync(string key, CancellationToken cancellationToken) => _dialect.HoldAsync(_locks, key, cancellationToken);

    public override Guid? MessageId => _inbox.MessageId;
    public override bool ContinueProcessing { get; set; } = true;
    public override bool IsMessageConsumed => !_consumedOnInsert && _inbox.Consumed.HasValue;
    public override bool IsOutboxDelivered => _inbox.Delivered.HasValue;
    public override int ReceiveCount => _inbox.ReceiveCount;
    public override long? LastSequenceNumber => _inbox.LastSequenceNumber;

    public override async Task SetConsumed()
    {
        if (_consumedOnInsert)
            return;
        _inbox.Consumed = Now;
        await _db.SaveChangesAsync(CancellationToken);
    }

    // Core's outbox pipe calls the four members below only to deliver inside the consume, which this outbox never
    // does (EfOutboxContextFactory runs the pipe only for a message not yet consumed; OutboxDeliveryService sends).
    public override Task SetDelivered() => throw DeliveredElsewhere();

    public override Task<List<OutboxMessageContext>> LoadOutboxMessages() => throw DeliveredElsewhere();

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => throw DeliveredElsewhere();

    public override Task RemoveOutboxMessages() => throw DeliveredElsewhere();

    private static InvalidOperationException DeliveredElsewhere() =>
        new("ReportSaga's outbox messages are sent by OutboxDeliveryService, never from inside the consume.");

    public override async Task AddSend<T>(SendContext<T> context)
    {
        // Publishes may run concurrently within one consume; a DbContext may not.
        await _addLock.WaitAsync(CancellationToken);
        try
        {
            // A schedule (or its cancellation) for the durable scheduler is written straight into its table, in this
            // transaction: the same outcome as sending it to the scheduler's queue, without the round trip.
            if (_schedules is not null && context.Message is ScheduleMessage schedule)
            {
                // MassTransit generated its token just now (a ScheduleSend makes a new one each time), so no stored
                // row can carry it: it is not looked up.
                await _schedules.ScheduleAsync(_db, schedule, ScheduleCommandContext.Of(context), SerializerContext, CancellationToken,
                    tokenIsNew: true);
                return;
            }
            if (_schedules is not null && context.Message is CancelScheduledMessage cancel)
            {
                await _schedules.CancelAsync(_db, cancel.TokenId, CancellationToken);
                return;
            }

            var row = OutboxMessageFactory.Create(context, SerializerContext, Now);
            row.InboxMessageId = _inbox.MessageId;
            row.InboxConsumerId = _inbox.ConsumerId;
            _db.Set<OutboxMessage>().Add(row);
        }
        finally
        {
            _addLock.Release();
        }
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;
}
