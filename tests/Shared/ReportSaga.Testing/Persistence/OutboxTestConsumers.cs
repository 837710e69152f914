using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence;

namespace ReportSaga.Testing.Persistence;

public sealed record PlaceTestOrder(Guid OrderId, bool Fail = false);

public sealed record TestOrderPlaced(Guid OrderId, Guid ProducerMessageId);

public sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>The side effect a command must cause once only (an HTTP call, in real life).</summary>
public sealed class SideEffects
{
    private readonly ConcurrentDictionary<Guid, int> _calls = new();
    private readonly ConcurrentDictionary<Guid, Guid> _published = new();

    /// <summary>The message id the consumer gave its event (the last attempt's, if it ran more than once).</summary>
    public Guid? PublishedIdFor(Guid orderId) => _published.TryGetValue(orderId, out var id) ? id : null;

    public void Published(Guid orderId, Guid messageId) => _published[orderId] = messageId;

    public int CallsFor(Guid orderId) => _calls.GetValueOrDefault(orderId);

    public void Call(Guid orderId) => _calls.AddOrUpdate(orderId, 1, (_, n) => n + 1);
}

public sealed class PlaceTestOrderConsumer(SideEffects effects) : IConsumer<PlaceTestOrder>
{
    public async Task Consume(ConsumeContext<PlaceTestOrder> context)
    {
        effects.Call(context.Message.OrderId);
        var eventId = NewId.NextGuid();
        effects.Published(context.Message.OrderId, eventId);
        await context.Publish(new TestOrderPlaced(context.Message.OrderId, context.MessageId!.Value), c => c.MessageId = eventId);
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

/// <summary>Counts every message the endpoints received, whatever the outbox then did with it.</summary>
public sealed class ReceiveCounter : IReceiveObserver
{
    private readonly ConcurrentDictionary<Guid, int> _received = new();

    public int For(Guid messageId) => _received.GetValueOrDefault(messageId);

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        if (context.GetMessageId() is { } id)
            _received.AddOrUpdate(id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception) => PostReceive(context);
}

public sealed record ScheduleTestPing(Guid PingId, bool Fail = false);

/// <summary>Schedules a ping for an hour later, then optionally fails.</summary>
public sealed class ScheduleTestPingConsumer : IConsumer<ScheduleTestPing>
{
    public async Task Consume(ConsumeContext<ScheduleTestPing> context)
    {
        await context.ScheduleSend(new Uri("queue:scheduled-ping"), DateTime.UtcNow.AddHours(1), new ScheduledPing(context.Message.PingId));
        if (context.Message.Fail)
            throw new InvalidOperationException("the consumer failed after scheduling");
    }
}

/// <summary>Asks for a <see cref="TestOrderPlaced"/> to be sent to <paramref name="Destination"/> (one the broker may refuse).</summary>
public sealed record RelayTestOrder(Guid OrderId, Uri Destination);

public sealed class RelayTestOrderConsumer : IConsumer<RelayTestOrder>
{
    public async Task Consume(ConsumeContext<RelayTestOrder> context)
    {
        var endpoint = await context.GetSendEndpoint(context.Message.Destination);
        await endpoint.Send(new TestOrderPlaced(context.Message.OrderId, context.MessageId!.Value));
    }
}
