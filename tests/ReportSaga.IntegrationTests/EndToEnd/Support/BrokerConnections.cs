using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReportSaga.IntegrationTests.Infrastructure;

namespace ReportSaga.IntegrationTests.EndToEnd.Support;

/// <summary>
/// The broker's side of a virtual host's connections, through the management HTTP API (which the fixture needs
/// anyway, so it is there on every server the tests run against). Closing a connection there is what a broker
/// restart does to a client: the socket goes away, unacknowledged deliveries return to their queues.
/// </summary>
internal sealed class BrokerConnections : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _virtualHost;

    private BrokerConnections(HttpClient http, string virtualHost)
    {
        _http = http;
        _virtualHost = virtualHost;
    }

    public static async Task<BrokerConnections> ForAsync(string virtualHost)
    {
        var server = await RabbitMqTestServer.GetAsync();
        var (user, password) = UriCredentials.Parse(server.ManagementUri);
        var http = new HttpClient
        {
            BaseAddress = new UriBuilder(server.ManagementUri) { UserName = "", Password = "", Path = "/api/" }.Uri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return new BrokerConnections(http, virtualHost);
    }

    /// <summary>The names of the virtual host's connections whose client did not call itself one of <paramref name="clientNames"/>.</summary>
    public async Task<IReadOnlyList<string>> OthersThanAsync(params string[] clientNames)
    {
        using var connections = await GetJsonAsync($"vhosts/{Uri.EscapeDataString(_virtualHost)}/connections");
        var names = new List<string>();
        foreach (var connection in connections.RootElement.EnumerateArray())
        {
            var client = connection.TryGetProperty("client_properties", out var properties)
                && properties.TryGetProperty("connection_name", out var name) ? name.GetString() : null;
            if (!clientNames.Contains(client))
                names.Add(connection.GetProperty("name").GetString()!);
        }

        return names;
    }

    /// <summary>
    /// Waits until the management API lists a connection not named <paramref name="spare"/>: it lists connections from
    /// statistics refreshed every few seconds, so a connection a few seconds old may not be there yet.
    /// </summary>
    public async Task<bool> WaitForOthersThanAsync(TimeSpan limit, params string[] spare)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if ((await OthersThanAsync(spare)).Count > 0)
                return true;
            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>Closes every connection of the virtual host but <paramref name="spare"/>'s; returns how many it closed.</summary>
    public async Task<int> CloseAllButAsync(string reason, params string[] spare)
    {
        var names = await OthersThanAsync(spare);
        foreach (var name in names)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"connections/{Uri.EscapeDataString(name)}");
            request.Headers.Add("X-Reason", reason);
            using var response = await _http.SendAsync(request);
            // 404: it went away by itself meanwhile, which is as good.
            if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotFound)
                throw new InvalidOperationException($"Closing connection {name} answered {(int)response.StatusCode}.");
        }

        return names.Count;
    }

    /// <summary>How many consumers a queue of the virtual host has (the management API's view, refreshed every few seconds).</summary>
    public async Task<int> ConsumersOfAsync(string queue)
    {
        using var document = await GetJsonAsync($"queues/{Uri.EscapeDataString(_virtualHost)}/{Uri.EscapeDataString(queue)}");
        return document.RootElement.TryGetProperty("consumers", out var consumers) ? consumers.GetInt32() : 0;
    }

    /// <summary>The names of the virtual host's queues (the management API's view: a queue declared a moment ago may be missing).</summary>
    public async Task<IReadOnlyList<string>> QueueNamesAsync()
    {
        using var queues = await GetJsonAsync($"queues/{Uri.EscapeDataString(_virtualHost)}");
        return queues.RootElement.EnumerateArray().Select(q => q.GetProperty("name").GetString()!).ToList();
    }

    /// <summary>One line per queue of the virtual host: ready and unacknowledged messages and consumers, for a failed test's report.</summary>
    public async Task<string> DescribeQueuesAsync()
    {
        using var queues = await GetJsonAsync($"queues/{Uri.EscapeDataString(_virtualHost)}");
        var text = new StringBuilder();
        foreach (var queue in queues.RootElement.EnumerateArray())
        {
            long Number(string name) => queue.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : -1;
            text.AppendLine($"{queue.GetProperty("name").GetString()}: ready={Number("messages_ready")} " +
                            $"unacked={Number("messages_unacknowledged")} consumers={Number("consumers")}");
        }

        return text.ToString();
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonDocument>())!;
    }

    public void Dispose() => _http.Dispose();
}
