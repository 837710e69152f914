using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence;

namespace ReportSaga.UnitTests.Persistence.Support;

public sealed record PlaceTestOrder(Guid OrderId, bool Fail = false);

public sealed record TestOrderPlaced(Guid OrderId, Guid ProducerMessageId);

public sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>The side effect a command must cause once only (an HTTP call, in real life).</summary>
public sealed class SideEffects
{
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    public int CallsFor(Guid orderId) => _calls.GetValueOrDefault(orderId);

    public void Call(Guid orderId) => _calls.AddOrUpdate(orderId, 1, (_, n) => n + 1);
}

public sealed class PlaceTestOrderConsumer(SideEffects effects) : IConsumer<PlaceTestOrder>
{
    public async Task Consume(ConsumeContext<PlaceTestOrder> context)
    {
        effects.Call(context.Message.OrderId);
        await context.Publish(new TestOrderPlaced(context.Message.OrderId, context.MessageId!.Value));
        // Hold the inbox lock a little, so concurrent duplicates really overlap with this attempt.
        await Task.Delay(50);
        if (context.Message.Fail)
            throw new InvalidOperationException("the consumer failed after publishing");
    }
}

/// <summary>What a downstream subscriber saw of each event, and whether the producing consume had committed by then.</summary>
public sealed record ObservedOrderPlaced(Guid OrderId, Guid? MessageId, bool ProducerCommitted);

public sealed class OrderPlacedLog
{
    private readonly ConcurrentQueue<ObservedOrderPlaced> _seen = new();

    public IReadOnlyCollection<ObservedOrderPlaced> Seen => _seen;

    public void Add(ObservedOrderPlaced observed) => _seen.Enqueue(observed);

    public List<ObservedOrderPlaced> For(Guid orderId) => _seen.Where(x => x.OrderId == orderId).ToList();
}

public sealed class OrderPlacedSubscriber(OrderPlacedLog log, ReportSagaDbContext db) : IConsumer<TestOrderPlaced>
{
    public async Task Consume(ConsumeContext<TestOrderPlaced> context)
    {
        // The producer's inbox row says "consumed" only once its consume transaction committed.
        var committed = await db.InboxStates.AsNoTracking().AnyAsync(x => x.MessageId == context.Message.ProducerMessageId && x.Consumed != null);
        log.Add(new ObservedOrderPlaced(context.Message.OrderId, context.MessageId, committed));
    }
}

public sealed class BumpedLog
{
    private readonly ConcurrentQueue<TestReportBumped> _seen = new();

    public List<TestReportBumped> For(Guid id) => _seen.Where(x => x.ReportRequestId == id).ToList();

    public void Add(TestReportBumped bumped) => _seen.Enqueue(bumped);
}

public sealed class BumpedSubscriber(BumpedLog log) : IConsumer<TestReportBumped>
{
    public Task Consume(ConsumeContext<TestReportBumped> context)
    {
        log.Add(context.Message);
        return Task.CompletedTask;
    }
}
