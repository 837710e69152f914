namespace ReportSaga.EndToEndBench.Tracking;

/// <summary>The tracker the subscriber hands terminal events to: the warm-up's first, then the measured run's.</summary>
internal sealed class ActiveTracker(ReportTracker tracker)
{
    private ReportTracker _current = tracker;

    public ReportTracker Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
