using System.Collections.Concurrent;
using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.IntegrationTests.Telemetry;

/// <summary>What a subscribing service heard about each report: its one terminal event, as soon as it arrives.</summary>
public sealed class ReportOutcomes
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<object>> _outcomes = new();

    public void Add(Guid requestId, object outcome) => Slot(requestId).TrySetResult(outcome);

    /// <summary>The report's <see cref="ReportCompleted"/>; fails with the reason when it ended in <see cref="ReportFailed"/> or not at all in <paramref name="limit"/>.</summary>
    public async Task<ReportCompleted> WaitForCompletedAsync(Guid requestId, TimeSpan limit)
    {
        object outcome;
        try
        {
            outcome = await Slot(requestId).Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Report {requestId} did not end within {limit}.");
        }

        return outcome switch
        {
            ReportCompleted completed => completed,
            ReportFailed failed => throw new Xunit.Sdk.XunitException(
                $"Report {requestId} failed: {failed.Reason} ({string.Join("; ", failed.Errors)})."),
            _ => throw new InvalidOperationException(outcome.GetType().Name),
        };
    }

    /// <summary>The report's <see cref="ReportFailed"/>; fails when it completed or did not end in <paramref name="limit"/>.</summary>
    public async Task<ReportFailed> WaitForFailedAsync(Guid requestId, TimeSpan limit)
    {
        object outcome;
        try
        {
            outcome = await Slot(requestId).Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Report {requestId} did not end within {limit}.");
        }

        return outcome as ReportFailed ?? throw new Xunit.Sdk.XunitException($"Report {requestId} ended with {outcome.GetType().Name}, not ReportFailed.");
    }

    private TaskCompletionSource<object> Slot(Guid requestId) =>
        _outcomes.GetOrAdd(requestId, _ => new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The subscriber's consumer of both terminal events.</summary>
public sealed class ReportOutcomeConsumer(ReportOutcomes outcomes) : IConsumer<ReportCompleted>, IConsumer<ReportFailed>
{
    public Task Consume(ConsumeContext<ReportCompleted> context)
    {
        outcomes.Add(context.Message.RequestId, context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReportFailed> context)
    {
        outcomes.Add(context.Message.RequestId, context.Message);
        return Task.CompletedTask;
    }
}
