using MassTransit;

namespace ReportSaga.Service.Demo;

/// <summary>Publishes the demo's requests on a running service and waits until each has ended (the demo's testable core).</summary>
public static class DemoRunner
{
    /// <summary>Publishes each sample and returns once every report has ended or <paramref name="timeout"/> has passed.</summary>
    /// <param name="tick">Called about four times a second while reports run, to redraw progress.</param>
    public static async Task<bool> RunAsync(
        IBus bus, DemoBoard board, IReadOnlyList<DemoSamples.Sample> samples, TimeSpan timeout, Action? tick, CancellationToken cancellationToken)
    {
        foreach (var sample in samples)
        {
            board.Add(sample.Request.RequestId, sample.Label, sample.ExpectedEnding);
            await bus.Publish(sample.Request, cancellationToken);
        }

        var deadline = DateTime.UtcNow + timeout;
        while (!board.AllEnded && DateTime.UtcNow < deadline)
        {
            tick?.Invoke();
            await Task.Delay(250, cancellationToken);
        }

        tick?.Invoke();
        return board.AllEnded;
    }

    /// <summary>True when every report ended the way its sample says it should.</summary>
    public static bool EndedAsExpected(DemoBoard board) =>
        board.Rows().All(row => row.Ending == row.ExpectedEnding);
}
