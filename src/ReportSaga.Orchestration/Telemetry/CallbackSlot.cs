using System.Diagnostics.Metrics;

namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// Holds the one callback an observable gauge reads. Hosts come and go (tests start several in one process), so
/// disposing a registration clears the slot only if it still holds that registration's callback.
/// </summary>
internal sealed class CallbackSlot<T>
{
    private Registration? _current;

    public IDisposable Set(Func<T> callback)
    {
        var registration = new Registration(this, callback);
        Volatile.Write(ref _current, registration);
        return registration;
    }

    /// <summary>Measurements from the registered callback; none when nothing is registered. A callback that throws
    /// is reported by the metrics SDK, which still collects the other instruments.</summary>
    public IEnumerable<Measurement<long>> Read(Func<T, IEnumerable<Measurement<long>>> toMeasurements)
    {
        var registration = Volatile.Read(ref _current);
        if (registration is null)
        {
            return [];
        }

        return toMeasurements(registration.Callback()).ToArray();
    }

    private sealed class Registration(CallbackSlot<T> slot, Func<T> callback) : IDisposable
    {
        public Func<T> Callback { get; } = callback;

        public void Dispose() => Interlocked.CompareExchange(ref slot._current, null, this);
    }
}
