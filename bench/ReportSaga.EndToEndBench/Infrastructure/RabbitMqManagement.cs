using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ReportSaga.EndToEndBench.Infrastructure;

/// <summary>
/// RabbitMQ's management HTTP API: a fresh virtual host per run (AMQP cannot create one), and its message counters.
/// The broker refreshes those counters every few seconds (collect_statistics_interval, 5 s by default).
/// </summary>
internal sealed class RabbitMqManagement : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _user;

    public RabbitMqManagement(Uri managementUri)
    {
        var (user, password) = Credentials(managementUri);
        _user = user;
        _http = new HttpClient
        {
            BaseAddress = new UriBuilder(managementUri) { UserName = "", Password = "", Path = "/api/" }.Uri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public async Task CreateVirtualHostAsync(string virtualHost)
    {
        var name = Uri.EscapeDataString(virtualHost);
        await SendAsync(HttpMethod.Put, $"vhosts/{name}", new { description = "ReportSaga end-to-end benchmark" });
        // A new virtual host grants nobody access, not even its creator.
        await SendAsync(HttpMethod.Put, $"permissions/{name}/{Uri.EscapeDataString(_user)}", new { configure = ".*", write = ".*", read = ".*" });
    }

    public Task DeleteVirtualHostAsync(string virtualHost) =>
        SendAsync(HttpMethod.Delete, $"vhosts/{Uri.EscapeDataString(virtualHost)}", null, allowNotFound: true);

    /// <summary>Messages published into the virtual host and delivered from its queues, in total and per queue.</summary>
    public async Task<BrokerCounts> CountsAsync(string virtualHost)
    {
        var name = Uri.EscapeDataString(virtualHost);
        using var vhost = JsonDocument.Parse(await _http.GetStringAsync($"vhosts/{name}"));
        using var queues = JsonDocument.Parse(await _http.GetStringAsync($"queues/{name}?columns=name,message_stats"));
        var perQueue = queues.RootElement.EnumerateArray()
            .ToDictionary(q => q.GetProperty("name").GetString()!, q => Stat(q, "deliver_get"));
        return new BrokerCounts(Stat(vhost.RootElement, "publish"), Stat(vhost.RootElement, "deliver_get"), perQueue);
    }

    /// <summary>Messages in each queue of the virtual host now (ready plus unacknowledged), as the broker last counted them.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync(string virtualHost)
    {
        using var queues = JsonDocument.Parse(await _http.GetStringAsync($"queues/{Uri.EscapeDataString(virtualHost)}?columns=name,messages"));
        return queues.RootElement.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>
    /// The counters once they stop changing: the broker publishes them every few seconds, later under load, so read
    /// until two readings <paramref name="apart"/> agree (or <paramref name="limit"/> passes).
    /// </summary>
    public async Task<BrokerCounts> SettledCountsAsync(string virtualHost, TimeSpan apart, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var last = await CountsAsync(virtualHost);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(apart);
            var next = await CountsAsync(virtualHost);
            if (next.Published == last.Published && next.Delivered == last.Delivered
                && next.DeliveredByQueue.All(q => last.DeliveredByQueue.GetValueOrDefault(q.Key) == q.Value))
                return next;
            last = next;
        }

        return last;
    }

    private static long Stat(JsonElement element, string name) =>
        element.TryGetProperty("message_stats", out var stats) && stats.ValueKind == JsonValueKind.Object
        && stats.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : 0;

    private async Task SendAsync(HttpMethod method, string path, object? body, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await _http.SendAsync(request);
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            return;
        throw new InvalidOperationException(
            $"RabbitMQ's management API answered {(int)response.StatusCode} to {method} {path}: {await response.Content.ReadAsStringAsync()}");
    }

    public static (string User, string Password) Credentials(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Broker counters of one virtual host; <see cref="DeliveredByQueue"/> holds deliver_get per queue.</summary>
internal sealed record BrokerCounts(long Published, long Delivered, IReadOnlyDictionary<string, long> DeliveredByQueue)
{
    public static readonly BrokerCounts Zero = new(0, 0, new Dictionary<string, long>());

    public BrokerCounts Minus(BrokerCounts before) => new(
        Published - before.Published,
        Delivered - before.Delivered,
        DeliveredByQueue.ToDictionary(q => q.Key, q => q.Value - before.DeliveredByQueue.GetValueOrDefault(q.Key)));
}
