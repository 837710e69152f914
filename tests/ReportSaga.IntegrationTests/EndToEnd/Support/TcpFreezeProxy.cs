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
    private readonly Queue<string> _events = new();
    private volatile bool _refusing;
    private int _passed;
    private int _refused;
    private int _unreachable;

    private TcpFreezeProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>A proxy to <paramref name="target"/>'s host and port; <see cref="Address"/> gives the URI to hand the client.</summary>
    public static TcpFreezeProxy To(Uri target) =>
        new(target.Host, target.IsDefaultPort ? 5672 : target.Port);

    /// <summary>A proxy to <paramref name="host"/>:<paramref name="port"/> (e.g. a database server).</summary>
    public static TcpFreezeProxy To(string host, int port) => new(host, port);

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

    /// <summary>
    /// What the proxy did, for a failed test's report: connections passed, refused during an outage and lost because
    /// the broker could not be reached, with the last few of the latter two, so a report shows at once whether a
    /// client that could not connect was turned away by the test or by the broker.
    /// </summary>
    public string Describe()
    {
        lock (_events)
            return $"proxy 127.0.0.1:{Port} -> {_targetHost}:{_targetPort}: {_passed} connection(s) passed, " +
                   $"{_refused} refused during an outage, {_unreachable} lost because the broker was unreachable, " +
                   $"{(_refusing ? "in an outage now" : "passing now")}" +
                   (_events.Count == 0 ? "" : Environment.NewLine + string.Join(Environment.NewLine, _events));
    }

    private void Record(string text)
    {
        lock (_events)
        {
            _events.Enqueue($"  {DateTime.UtcNow:HH:mm:ss.fff} {text}");
            while (_events.Count > 20)
                _events.Dequeue();
        }
    }

    // One accept at a time, and nothing in this loop can throw: the connect to the broker and the pumps run on tasks
    // of their own, so neither a slow broker nor a link dropped by an outage mid-set-up stops the proxy accepting.
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
                Interlocked.Increment(ref _refused);
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => LinkAsync(client));
        }
    }

    private async Task LinkAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        Link link;
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, _stopping.Token);
            link = new Link(client, upstream);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            client.Dispose();
            upstream.Dispose();
            if (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _unreachable);
                Record($"the broker was unreachable for a client connection: {e.GetType().Name}: {e.Message}");
            }

            return;
        }

        lock (_links)
        {
            // An outage that began while this link was being set up drops it too.
            if (_refusing || _stopping.IsCancellationRequested)
            {
                link.Close();
                Interlocked.Increment(ref _refused);
                return;
            }

            _links.RemoveAll(l => l.Closed);
            _links.Add(link);
        }

        Interlocked.Increment(ref _passed);
        link.Start();
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
        // Taken while both sockets are surely open (a closed TcpClient has no stream to give).
        private readonly NetworkStream _clientStream = client.GetStream();
        private readonly NetworkStream _upstreamStream = upstream.GetStream();
        private int _closed;

        public volatile bool Frozen;

        public bool Closed => Volatile.Read(ref _closed) == 1;

        public void Start()
        {
            _ = Task.Run(() => PumpAsync(_clientStream, _upstreamStream, fromClient: true));
            _ = Task.Run(() => PumpAsync(_upstreamStream, _clientStream, fromClient: false));
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
