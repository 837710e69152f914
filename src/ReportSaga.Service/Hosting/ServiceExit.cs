using Microsoft.Extensions.Options;

namespace ReportSaga.Service.Hosting;

/// <summary>
/// How the service ends itself when a part of it cannot go on and only a new process helps: it stops the host
/// gracefully, remembers the exit code the entry point returns, and ends the process outright if the graceful stop
/// has not finished a little after the host's shutdown timeout (a wedged part can keep it from ever finishing).
/// </summary>
/// <remarks>
/// Whatever supervises the process restarts it: Docker's and Compose's restart policy, Kubernetes, systemd. Nothing
/// is lost by that: saga state, the outbox, the inbox and the schedule are in the database, and unacknowledged
/// messages go back to their queues.
/// </remarks>
public sealed class ServiceExit
{
    /// <summary>A receive endpoint stopped consuming for good (EX_TEMPFAIL: a restart is expected to fix it).</summary>
    public const int ReceiveEndpointWedged = 75;

    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeSpan _hardExitAfter;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceExit> _logger;
    private readonly Action<int> _hardExit;
    private int _code;

    public ServiceExit(IHostApplicationLifetime lifetime, IOptions<HostOptions> hostOptions, TimeProvider time, ILogger<ServiceExit> logger)
        : this(lifetime, hostOptions, time, logger, Environment.Exit)
    {
    }

    /// <summary>For tests: <paramref name="hardExit"/> stands in for <see cref="Environment.Exit"/>.</summary>
    public ServiceExit(
        IHostApplicationLifetime lifetime, IOptions<HostOptions> hostOptions, TimeProvider time, ILogger<ServiceExit> logger, Action<int> hardExit)
    {
        _lifetime = lifetime;
        _hardExitAfter = hostOptions.Value.ShutdownTimeout + TimeSpan.FromSeconds(15);
        _time = time;
        _logger = logger;
        _hardExit = hardExit;
    }

    /// <summary>0 unless <see cref="Stop"/> was called; the entry point returns it.</summary>
    public int Code => Volatile.Read(ref _code);

    /// <summary>
    /// Stops the host and makes the process exit with <paramref name="code"/> (not 0); the first call wins. When
    /// <paramref name="nothingLeftInHand"/> (checked every second) says all work in hand is done although the graceful
    /// stop has not finished, because it waits on what is wedged, the process exits at once instead of at the deadline.
    /// </summary>
    public void Stop(int code, Func<bool>? nothingLeftInHand = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(code);
        if (Interlocked.CompareExchange(ref _code, code, 0) != 0)
            return;

        _lifetime.StopApplication();
        _ = HardExitIfStillRunningAsync(code, nothingLeftInHand ?? (() => false));
    }

    private async Task HardExitIfStillRunningAsync(int code, Func<bool> nothingLeftInHand)
    {
        var deadline = _time.GetUtcNow() + _hardExitAfter;
        while (_time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
            if (nothingLeftInHand())
            {
                _logger.LogCritical("Nothing is left in hand but what is wedged; exiting with code {Code}", code);
                _hardExit(code);
                return;
            }
        }

        _logger.LogCritical("The graceful stop did not finish within {Limit}; exiting with code {Code}", _hardExitAfter, code);
        _hardExit(code);
    }
}
