using MassTransit;

namespace ReportSaga.Service.Messaging.EndpointWatch;

/// <summary>Feeds MassTransit's receive endpoint events into <see cref="ReceiveEndpointActivity"/>.</summary>
public sealed class ReceiveEndpointActivityObserver(ReceiveEndpointActivity activity) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        activity.Ready(ready.InputAddress);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping)
    {
        if (stopping.Removed)
            activity.Forget(stopping.InputAddress);
        else
            activity.NotReady(stopping.InputAddress, "stopping");
        return Task.CompletedTask;
    }

    public Task Completed(ReceiveEndpointCompleted completed)
    {
        activity.Completed(completed.InputAddress);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        // The exception's type only: its message can carry the broker's address with credentials.
        activity.NotReady(faulted.InputAddress, $"faulted ({faulted.Exception?.GetType().Name ?? "no exception"})");
        return Task.CompletedTask;
    }
}
