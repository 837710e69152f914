using System.Collections.Concurrent;
using MassTransit;

namespace ReportSaga.Testing.Persistence;

public sealed record CallOutside(Guid CallId, bool Fail = false);

public sealed record OutsideCallAnswered(Guid CallId, int Attempt);

/// <summary>
/// The calls <see cref="CallOutsideConsumer"/> makes "to another service": each attempt announces itself and waits
/// until the test lets its call answer, so a test decides which of two overlapping attempts finishes first.
/// </summary>
public sealed class OutsideCalls
{
    private readonly ConcurrentDictionary<Guid, List<OutsideCall>> _calls = new();

    /// <summary>Every attempt answers at once (for tests that do not care about the order).</summary>
    public bool AnswerAtOnce { get; set; }

    public int AttemptsFor(Guid callId)
    {
        var calls = _calls.GetOrAdd(callId, _ => []);
        lock (calls)
            return calls.Count;
    }

    /// <summary>Waits until attempt <paramref name="number"/> (from 1) of the call is under way.</summary>
    public async Task<OutsideCall> AttemptAsync(Guid callId, int number)
    {
        var calls = _calls.GetOrAdd(callId, _ => []);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            lock (calls)
                if (calls.Count >= number)
                    return calls[number - 1];
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Attempt {number} of call {callId} never started.");
            await Task.Delay(20);
        }
    }

    internal OutsideCall Start(Guid callId)
    {
        var calls = _calls.GetOrAdd(callId, _ => []);
        lock (calls)
        {
            var call = new OutsideCall(calls.Count + 1);
            calls.Add(call);
            if (AnswerAtOnce)
                call.Answer();
            return call;
        }
    }
}

/// <summary>One attempt's call: under way until the test answers it.</summary>
public sealed class OutsideCall(int attempt)
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Attempt { get; } = attempt;

    private volatile bool _returned;

    public void Answer() => _answered.TrySetResult();

    /// <summary>The consumer has returned (what the outbox then does with the attempt follows at once).</summary>
    public bool Returned => _returned;

    internal Task Answered => _answered.Task;

    internal void Return() => _returned = true;
}

/// <summary>A consumer that calls another service and publishes what it answered; run outside any transaction.</summary>
public sealed class CallOutsideConsumer(OutsideCalls calls) : IConsumer<CallOutside>
{
    public async Task Consume(ConsumeContext<CallOutside> context)
    {
        var call = calls.Start(context.Message.CallId);
        await call.Answered.WaitAsync(TimeSpan.FromSeconds(60));
        await context.Publish(new OutsideCallAnswered(context.Message.CallId, call.Attempt));
        call.Return();
        if (context.Message.Fail)
            throw new InvalidOperationException("the consumer failed after its call");
    }
}

public sealed class OutsideCallAnsweredLog
{
    private readonly ConcurrentQueue<OutsideCallAnswered> _seen = new();

    public List<OutsideCallAnswered> For(Guid callId) => _seen.Where(x => x.CallId == callId).ToList();

    public void Add(OutsideCallAnswered answered) => _seen.Enqueue(answered);
}

public sealed class OutsideCallAnsweredSubscriber(OutsideCallAnsweredLog log) : IConsumer<OutsideCallAnswered>
{
    public Task Consume(ConsumeContext<OutsideCallAnswered> context)
    {
        log.Add(context.Message);
        return Task.CompletedTask;
    }
}
