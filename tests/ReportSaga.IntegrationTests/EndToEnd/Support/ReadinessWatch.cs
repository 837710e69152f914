using System.Net;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>Asks a service's <c>/health/ready</c> twice a second until stopped, and keeps every answer that was not 200.</summary>
internal sealed class ReadinessWatch
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _notReady = [];
    private readonly Task _watching;
    private int _probes;

    private ReadinessWatch(ServiceProcess service) => _watching = Task.Run(() => WatchAsync(service));

    public static ReadinessWatch Start(ServiceProcess service) => new(service);

    /// <summary>Stops watching; returns how many probes were made and the ones that were not 200 (with when).</summary>
    public async Task<(int Probes, IReadOnlyList<string> NotReady)> StopAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
        lock (_notReady)
            return (_probes, [.. _notReady]);
    }

    private async Task WatchAsync(ServiceProcess service)
    {
        while (!_stop.IsCancellationRequested)
        {
            var status = await service.ReadinessAsync();
            Interlocked.Increment(ref _probes);
            if (status != HttpStatusCode.OK)
            {
                lock (_notReady)
                    _notReady.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {(status is null ? "no answer" : ((int)status).ToString())}");
            }

            try
            {
                await Task.Delay(500, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
