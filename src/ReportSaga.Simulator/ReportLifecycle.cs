namespace ReportSaga.Simulator;

/// <summary>
/// One report's way through the provider's statuses, computed from the clock rather than driven by timers, so a
/// FakeTimeProvider moves every report at once and nothing runs in the background.
/// A run is a list of timed stages followed by an outcome:
/// first run   pending ½ · processing ½ → completed / internal_error   (with [sim:retry]: pending ⅓ · retry ⅓ · processing ⅓)
///             pending ½ → bad_request                                  (with [sim:bad_request])
/// after retry retry ½ · processing ½ → completed / internal_error
/// Each fraction is of the report's processing time. The charge happens once, on first reaching processing.
/// </summary>
internal sealed class ReportLifecycle
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Retry = "retry";
    public const string BadRequest = "bad_request";
    public const string InternalError = "internal_error";

    private readonly object _gate = new();
    private readonly TimeSpan _processingTime;
    private readonly bool _badRequest;
    private readonly bool _passThroughRetry;
    private readonly long _quota;
    private readonly Action<long> _charge;
    private DateTimeOffset _runStart;
    private bool _isRetryRun;
    private int _internalErrorsLeft;
    private bool _charged;
    private int _retries;

    public ReportLifecycle(DateTimeOffset submittedAt, TimeSpan processingTime, ReportMarkers markers, long quota, Action<long> charge)
    {
        _runStart = submittedAt;
        _processingTime = processingTime;
        _badRequest = markers.BadRequest;
        _passThroughRetry = markers.PassThroughRetry;
        _internalErrorsLeft = markers.InternalErrors;
        _quota = quota;
        _charge = charge;
    }

    public int Retries
    {
        get { lock (_gate) { return _retries; } }
    }

    /// <summary>The status at <paramref name="now"/>; charges the quota the first time processing is reached.</summary>
    public LifecycleView Observe(DateTimeOffset now)
    {
        lock (_gate)
        {
            return ObserveLocked(now);
        }
    }

    /// <summary>Recovers a report in internal_error: a new run starts now, at no extra charge.</summary>
    /// <returns>Null when recovered; otherwise the status that made the retry impossible.</returns>
    public string? TryRetry(DateTimeOffset now)
    {
        lock (_gate)
        {
            var current = ObserveLocked(now).Status;
            if (current != InternalError)
            {
                return current;
            }

            _internalErrorsLeft--;
            _retries++;
            _isRetryRun = true;
            _runStart = now;
            return null;
        }
    }

    private LifecycleView ObserveLocked(DateTimeOffset now)
    {
        var elapsed = now - _runStart;
        var offset = TimeSpan.Zero;
        foreach (var (status, share) in Stages())
        {
            var length = _processingTime * share;
            if (status == Processing && elapsed >= offset)
            {
                ChargeOnce();
            }

            if (elapsed < offset + length)
            {
                return new LifecycleView(status, null, _charged ? _quota : null);
            }

            offset += length;
        }

        if (_badRequest)
        {
            return new LifecycleView(BadRequest, null, null);
        }

        ChargeOnce();
        return _internalErrorsLeft > 0
            ? new LifecycleView(InternalError, null, _quota)
            : new LifecycleView(Completed, _runStart + offset, _quota);
    }

    private void ChargeOnce()
    {
        if (!_charged)
        {
            _charged = true;
            _charge(_quota);
        }
    }

    private IEnumerable<(string Status, double Share)> Stages()
    {
        if (_isRetryRun)
        {
            return [(Retry, 0.5), (Processing, 0.5)];
        }

        if (_badRequest)
        {
            return [(Pending, 0.5)];
        }

        return _passThroughRetry
            ? [(Pending, 1 / 3d), (Retry, 1 / 3d), (Processing, 1 / 3d)]
            : [(Pending, 0.5), (Processing, 0.5)];
    }
}

/// <summary>A report's status at one moment; <see cref="CompletedAt"/> is set once completed.</summary>
internal readonly record struct LifecycleView(string Status, DateTimeOffset? CompletedAt, long? UsedQuota)
{
    public bool IsFinished => Status is ReportLifecycle.Completed or ReportLifecycle.BadRequest or ReportLifecycle.InternalError;
}
