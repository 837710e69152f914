using System.Collections.Concurrent;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>
/// Named async locks within this process. SQLite stands in for row locks with them: the embedded SQLite store
/// serves one service instance, and holding SQLite's single write lock across a whole consume (an HTTP call, a
/// ledger write on another connection) would stall every other writer or deadlock with the ledger.
/// </summary>
internal static class InProcessLocks
{
    private static readonly ConcurrentDictionary<string, Entry> Entries = new();

    public static async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var entry = Rent(key);
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Return(key, entry);
            throw;
        }
        return new Releaser(key, entry);
    }

    public static IDisposable? TryAcquire(string key)
    {
        var entry = Rent(key);
        if (entry.Semaphore.Wait(0))
            return new Releaser(key, entry);
        Return(key, entry);
        return null;
    }

    private static Entry Rent(string key)
    {
        while (true)
        {
            var entry = Entries.GetOrAdd(key, _ => new Entry());
            lock (entry)
            {
                if (entry.Users >= 0)
                {
                    entry.Users++;
                    return entry;
                }
            }
            // A retired entry: its last user removed it; take a fresh one.
        }
    }

    private static void Return(string key, Entry entry)
    {
        lock (entry)
        {
            if (--entry.Users == 0)
            {
                entry.Users = -1;
                Entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public int Users;
    }

    private sealed class Releaser(string key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
                return;
            entry.Semaphore.Release();
            Return(key, entry);
        }
    }
}

/// <summary>The in-process locks one message attempt holds until it commits or fails.</summary>
public sealed class HeldLocks : IDisposable
{
    private readonly List<IDisposable> _held = [];
    private readonly HashSet<string> _keys = [];

    /// <summary>Takes <paramref name="key"/>'s lock, unless this attempt holds it already.</summary>
    public async Task HoldAsync(string key, CancellationToken cancellationToken)
    {
        lock (_held)
            if (_keys.Contains(key))
                return;
        var handle = await InProcessLocks.AcquireAsync(key, cancellationToken);
        lock (_held)
        {
            _keys.Add(key);
            _held.Add(handle);
        }
    }

    /// <summary>Keeps <paramref name="handle"/> until the attempt ends.</summary>
    public void Add(IDisposable handle)
    {
        lock (_held)
            _held.Add(handle);
    }

    /// <summary>Releases every lock held, last taken first.</summary>
    public void Dispose()
    {
        lock (_held)
        {
            for (var i = _held.Count - 1; i >= 0; i--)
                _held[i].Dispose();
            _held.Clear();
            _keys.Clear();
        }
    }
}
