namespace ReportSaga.EndToEndBench.Runs;

/// <summary>
/// Ctrl+C stops the run instead of the process, so the service processes, the virtual host, the database and a
/// throwaway PostgreSQL cluster are still cleaned up by the runs' finally blocks.
/// </summary>
internal static class Interrupt
{
    private static readonly CancellationTokenSource Source = new();

    public static CancellationToken Token => Source.Token;

    public static void OnCtrlC() => Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        Console.Error.WriteLine("interrupted: cleaning up");
        Source.Cancel();
    };
}
