using MassTransit;

namespace ReportSaga.IntegrationTests.Messaging;

/// <summary>One message a test consumer took, with how it arrived.</summary>
public sealed record Received<T>(T Message, string? ContentType);

/// <summary>
/// What a <see cref="RecordingConsumer{T}"/> consumed, in order. Tests wait for a condition rather
/// than for a time: a missing message fails after a generous guard, never a timing assertion.
/// </summary>
public sealed class ReceivedMessages<T> where T : class
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly List<Received<T>> _messages = [];
    private readonly List<(Func<IReadOnlyList<Received<T>>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public void Add(ConsumeContext<T> context)
    {
        lock (_messages)
        {
            _messages.Add(new Received<T>(context.Message, context.ReceiveContext.ContentType?.MediaType));
            foreach (var waiter in _waiters.Where(w => w.Condition(_messages)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the messages so far, and returns them.</summary>
    public async Task<IReadOnlyList<Received<T>>> WaitUntilAsync(Func<IReadOnlyList<Received<T>>, bool> condition, string description)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_messages)
        {
            if (condition(_messages))
                return [.. _messages];
            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(Guard);
        }
        catch (TimeoutException)
        {
            lock (_messages)
                throw new Xunit.Sdk.XunitException(
                    $"{typeof(T).Name}: {description} did not happen; received {_messages.Count} message(s).");
        }

        lock (_messages)
            return [.. _messages];
    }
}

/// <summary>A consumer that records every message it takes into the <see cref="ReceivedMessages{T}"/> singleton.</summary>
public sealed class RecordingConsumer<T>(ReceivedMessages<T> received) : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        received.Add(context);
        return Task.CompletedTask;
    }
}
