using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// What a subscriber of the service's public events received, per report, in arrival order. Like any subscriber with
/// an inbox, it counts a message once: RabbitMQ delivers at least once, and a publish whose confirmation was lost
/// with the connection is sent again with the same message id. A second terminal event under another message id is
/// a second event, and the tests fail on it.
/// </summary>
public sealed class ObservedEvents
{
    private readonly object _gate = new();
    private readonly Dictionary<Guid, List<object>> _ends = [];
    private readonly Dictionary<Guid, List<ReportSubmitted>> _submitted = [];
    private readonly List<ReportStatusChanged> _statusChanges = [];
    private readonly HashSet<Guid> _messageIds = [];

    /// <summary>Deliveries dropped because their message id had been received before.</summary>
    public int RepeatedDeliveries { get; private set; }

    /// <summary>True the first time <paramref name="messageId"/> is seen (a message without an id always counts).</summary>
    internal bool FirstDelivery(Guid? messageId)
    {
        lock (_gate)
        {
            if (messageId is not { } id || _messageIds.Add(id))
                return true;
            RepeatedDeliveries++;
            return false;
        }
    }

    /// <summary>Every <see cref="ReportCompleted"/> and <see cref="ReportFailed"/> received for the report.</summary>
    public IReadOnlyList<object> EndsOf(Guid requestId)
    {
        lock (_gate)
            return _ends.TryGetValue(requestId, out var ends) ? [.. ends] : [];
    }

    public IReadOnlyList<ReportSubmitted> SubmittedOf(Guid requestId)
    {
        lock (_gate)
            return _submitted.TryGetValue(requestId, out var submitted) ? [.. submitted] : [];
    }

    /// <summary>Every <see cref="ReportStatusChanged"/> received, in arrival order.</summary>
    public IReadOnlyList<ReportStatusChanged> StatusChanges()
    {
        lock (_gate)
            return [.. _statusChanges];
    }

    /// <summary>The reports among <paramref name="requestIds"/> that have not ended yet.</summary>
    public IReadOnlyList<Guid> NotEnded(IEnumerable<Guid> requestIds)
    {
        lock (_gate)
            return requestIds.Where(id => !_ends.ContainsKey(id)).ToList();
    }

    /// <summary>
    /// Waits until every report of <paramref name="requestIds"/> has ended (or <paramref name="limit"/> passed, which
    /// only stops a hung test); returns the ones that did not.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> WaitForEndsAsync(IReadOnlyCollection<Guid> requestIds, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var missing = NotEnded(requestIds);
            if (missing.Count == 0 || DateTime.UtcNow > deadline)
                return missing;
            await Task.Delay(200);
        }
    }

    internal void Add(Guid requestId, object end)
    {
        lock (_gate)
        {
            if (!_ends.TryGetValue(requestId, out var ends))
                _ends[requestId] = ends = [];
            ends.Add(end);
        }
    }

    internal void Add(ReportStatusChanged changed)
    {
        lock (_gate)
            _statusChanges.Add(changed);
    }

    internal void Add(ReportSubmitted submitted)
    {
        lock (_gate)
        {
            if (!_submitted.TryGetValue(submitted.RequestId, out var list))
                _submitted[submitted.RequestId] = list = [];
            list.Add(submitted);
        }
    }
}

/// <summary>The test's subscriber: records the service's public events into <see cref="ObservedEvents"/>.</summary>
public sealed class ObservedEventsConsumer(ObservedEvents events)
    : IConsumer<ReportCompleted>, IConsumer<ReportFailed>, IConsumer<ReportSubmitted>, IConsumer<ReportStatusChanged>
{
    public Task Consume(ConsumeContext<ReportStatusChanged> context)
    {
        if (events.FirstDelivery(context.MessageId))
            events.Add(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportCompleted> context)
    {
        if (events.FirstDelivery(context.MessageId))
            events.Add(context.Message.RequestId, context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportFailed> context)
    {
        if (events.FirstDelivery(context.MessageId))
            events.Add(context.Message.RequestId, context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportSubmitted> context)
    {
        if (events.FirstDelivery(context.MessageId))
            events.Add(context.Message);
        return Task.CompletedTask;
    }
}
