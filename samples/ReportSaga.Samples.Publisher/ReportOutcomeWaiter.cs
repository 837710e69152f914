using MassTransit;
using ReportSaga.Contracts;

namespace ReportSaga.Samples.Publisher;

/// <summary>
/// Waits for the terminal event (<see cref="ReportCompleted"/> or <see cref="ReportFailed"/>) of one report,
/// on a temporary receive endpoint: a server-named, auto-deleted queue bound to both event exchanges, gone
/// when this is disposed or the process ends.
/// </summary>
/// <remarks>
/// Start it before publishing the request: an event published before the queue is bound reaches no one.
/// A long-lived service would rather subscribe with a durable queue of its own (see the Subscriber sample),
/// so that events published while it is down wait for it.
/// </remarks>
public sealed class ReportOutcomeWaiter : IAsyncDisposable
{
    private readonly HostReceiveEndpointHandle _endpoint;
    private readonly TaskCompletionSource<ReportOutcome> _outcome;

    private ReportOutcomeWaiter(HostReceiveEndpointHandle endpoint, TaskCompletionSource<ReportOutcome> outcome)
    {
        _endpoint = endpoint;
        _outcome = outcome;
    }

    /// <summary>Binds the temporary queue on a started <paramref name="bus"/> and returns once it is consuming.</summary>
    public static async Task<ReportOutcomeWaiter> StartAsync(IBus bus, Guid requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var outcome = new TaskCompletionSource<ReportOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Every subscriber receives every report's events; keep only this report's.
        var endpoint = bus.ConnectReceiveEndpoint(e =>
        {
            e.Handler<ReportCompleted>(context =>
            {
                if (context.Message.RequestId == requestId)
                    outcome.TrySetResult(new ReportOutcome(context.Message, null));
                return Task.CompletedTask;
            });
            e.Handler<ReportFailed>(context =>
            {
                if (context.Message.RequestId == requestId)
                    outcome.TrySetResult(new ReportOutcome(null, context.Message));
                return Task.CompletedTask;
            });
        });

        try
        {
            await endpoint.Ready.WaitAsync(cancellationToken);
        }
        catch
        {
            await endpoint.StopAsync(CancellationToken.None);
            throw;
        }

        return new ReportOutcomeWaiter(endpoint, outcome);
    }

    /// <summary>The report's outcome; throws <see cref="TimeoutException"/> when none arrives within <paramref name="timeout"/>.</summary>
    public Task<ReportOutcome> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _outcome.Task.WaitAsync(timeout, cancellationToken);

    /// <summary>Stops the temporary endpoint; the broker deletes its queue.</summary>
    public async ValueTask DisposeAsync() => await _endpoint.StopAsync(CancellationToken.None);
}
