namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>What one run with N reports waiting measured. Memory figures are summed over the service's instances.</summary>
internal sealed record WaitingResult
{
    public required int Waiting { get; init; }
    public required int Instances { get; init; }
    public required TimeSpan Duration { get; init; }
    public required TimeSpan PollInterval { get; init; }
    public required TimeSpan ProviderSeeding { get; init; }
    public required TimeSpan DatabaseSeeding { get; init; }

    /// <summary>Resident memory once ready, before any seeded wake-up was due.</summary>
    public required long IdleResident { get; init; }

    /// <summary>Resident memory every second of the run.</summary>
    public required IReadOnlyList<long> Resident { get; init; }

    /// <summary>VmHWM: the most resident memory since each process started.</summary>
    public required long PeakResident { get; init; }

    /// <summary>GC heap after the last collection, every second (empty without dotnet-counters).</summary>
    public required IReadOnlyList<long> GcHeap { get; init; }

    public required IReadOnlyList<long> GcCommitted { get; init; }
    public required bool HasGcCounters { get; init; }
    public required int StatusCalls { get; init; }

    /// <summary>Calls to any other provider endpoint during the run (a seeded report should cause none).</summary>
    public required int OtherProviderCalls { get; init; }

    public required TimeSpan ServiceCpu { get; init; }

    /// <summary>Seeded reports checked at least once.</summary>
    public required long Polled { get; init; }

    public required long StillWaiting { get; init; }

    /// <summary>Seeded reports that ended (completed or failed): none should, the provider keeps them processing.</summary>
    public required long Ended { get; init; }

    /// <summary>Scheduled messages past their due time and not sent yet at the end: the scheduler's backlog.</summary>
    public required long WakeUpsDueNotSent { get; init; }

    /// <summary>Messages in the virtual host's queues at the end (ready plus unacknowledged), by queue; empty queues left out.</summary>
    public required IReadOnlyDictionary<string, long> QueuedAtBroker { get; init; }

    /// <summary>dotnet-gcdump's live objects by type at the end, per instance (empty without the tool).</summary>
    public required IReadOnlyList<string> HeapReports { get; init; }

    /// <summary>Resident memory right after the heap snapshots' full collections; null without dotnet-gcdump.</summary>
    public long? ResidentAfterFullCollection { get; init; }

    public required string LoadAtStart { get; init; }
    public required string LoadAtEnd { get; init; }

    /// <summary>The median of the last third of the run's samples: memory once the polling has settled.</summary>
    public static long Steady(IReadOnlyList<long> samples)
    {
        if (samples.Count == 0)
            return 0;
        var tail = samples.Skip(samples.Count * 2 / 3).Order().ToList();
        return tail[tail.Count / 2];
    }
}
