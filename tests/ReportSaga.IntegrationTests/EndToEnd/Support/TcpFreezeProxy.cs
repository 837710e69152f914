using System.Net;
using System.Net.Sockets;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// A loopback TCP proxy between a service process and the broker, so a test can disturb that one process's
/// connection without touching the shared broker:
/// <list type="bullet">
/// <item><see cref="FreezeUpstream"/>: from now on, bytes the client sends on its current connections are read and
/// thrown away (the client believes they were sent), while the broker's deliveries still reach it. Publishes and
/// acknowledgements are lost as they would be in a process that dies the next instant.</item>
/// <item><see cref="BeginOutage"/>/<see cref="EndOutage"/>: drops every connection and refuses new ones meanwhile,
/// which is what a client sees while its broker is down.</item>
/// </list>
/// When either side of a connection closes, the other is closed too, so the broker requeues what was unacknowledged.
/// </summary>
internal sealed class TcpFreezeProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Link> _links = [];
    private readonly Task _accepting;
    private volatile bool _refusing;

    private TcpFreezeProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A proxy to <paramref name="target"/>'s host and port; <see cref="Address"/> gives the URI to hand the client.</summary>
    public static TcpFreezeProxy To(Uri target) =>
        new(target.Host, target.IsDefaultPort ? 5672 : target.Port);

    /// <summary><paramref name="target"/> with the proxy's port in place of the broker's.</summary>
    public Uri Address(Uri target) => new UriBuilder(target) { Host = "127.0.0.1", Port = Port }.Uri;

    /// <summary>Freezes what clients send on every open connection (see the class summary); returns how many.</summary>
    public int FreezeUpstream()
    {
        lock (_links)
        {
            foreach (var link in _links)
                link.Frozen = true;
            return _links.Count(l => !l.Closed);
        }
    }

    /// <summary>Drops every connection and refuses new ones until <see cref="EndOutage"/>; returns how many it dropped.</summary>
    public int BeginOutage()
    {
        _refusing = true;
        lock (_links)
        {
            var open = _links.Count(l => !l.Closed);
            foreach (var link in _links)
                link.Close();
            return open;
        }
    }

    public void EndOutage() => _refusing = false;

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_refusing)
            {
                client.Dispose();
                continue;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_targetHost, _targetPort, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            var link = new Link(client, upstream);
            lock (_links)
            {
                _links.RemoveAll(l => l.Closed);
                _links.Add(link);
            }

            link.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_links)
        {
            foreach (var link in _links)
                link.Close();
        }

        await _accepting;
        _stopping.Dispose();
    }

    private sealed class Link(TcpClient client, TcpClient upstream)
    {
        private int _closed;

        public volatile bool Frozen;

        public bool Closed => Volatile.Read(ref _closed) == 1;

        public void Start()
        {
            _ = Task.Run(() => PumpAsync(client.GetStream(), upstream.GetStream(), fromClient: true));
            _ = Task.Run(() => PumpAsync(upstream.GetStream(), client.GetStream(), fromClient: false));
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReadAsync(buffer);
                    if (read == 0)
                        break;
                    // Checked after the read: bytes read once frozen are never forwarded, however the read raced the freeze.
                    if (fromClient && Frozen)
                        continue;
                    await to.WriteAsync(buffer.AsMemory(0, read));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // The other pump or a test closed the link.
            }
            finally
            {
                Close();
            }
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
                return;
            client.Dispose();
            upstream.Dispose();
        }
    }
}
