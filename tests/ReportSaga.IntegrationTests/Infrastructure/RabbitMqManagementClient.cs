using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>
/// Creates and deletes virtual hosts through RabbitMQ's management HTTP API. AMQP itself cannot
/// create a virtual host, and the HTTP API works the same for a local broker and a container.
/// </summary>
internal sealed class RabbitMqManagementClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _displayAddress;

    public RabbitMqManagementClient(Uri managementUri)
    {
        var (user, password) = UriCredentials.Parse(managementUri);
        var baseAddress = new UriBuilder(managementUri) { UserName = "", Password = "", Path = "/api/" }.Uri;
        _displayAddress = baseAddress.GetLeftPart(UriPartial.Authority);
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public async Task CreateVirtualHostAsync(string virtualHost, string user, CancellationToken cancellationToken = default)
    {
        var name = Uri.EscapeDataString(virtualHost);
        await SendAsync(HttpMethod.Put, $"vhosts/{name}", new { description = "ReportSaga integration test" }, cancellationToken);
        // A new virtual host grants nobody access, not even its creator.
        await SendAsync(HttpMethod.Put, $"permissions/{name}/{Uri.EscapeDataString(user)}",
            new { configure = ".*", write = ".*", read = ".*" }, cancellationToken);
    }

    /// <summary>A login of its own with full rights on <paramref name="virtualHost"/> only (tests that watch where a password goes).</summary>
    public async Task CreateUserAsync(string user, string password, string virtualHost, CancellationToken cancellationToken = default)
    {
        var name = Uri.EscapeDataString(user);
        await SendAsync(HttpMethod.Put, $"users/{name}", new { password, tags = "" }, cancellationToken);
        await SendAsync(HttpMethod.Put, $"permissions/{Uri.EscapeDataString(virtualHost)}/{name}",
            new { configure = ".*", write = ".*", read = ".*" }, cancellationToken);
    }

    public Task DeleteUserAsync(string user, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"users/{Uri.EscapeDataString(user)}", null, cancellationToken, allowNotFound: true);

    public Task DeleteVirtualHostAsync(string virtualHost, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"vhosts/{Uri.EscapeDataString(virtualHost)}", null, cancellationToken, allowNotFound: true);

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException(
                $"RabbitMQ's management API at {_displayAddress} did not answer ({e.Message}). Integration tests create " +
                $"a virtual host per test class through it: enable it with `rabbitmq-plugins enable rabbitmq_management`, " +
                $"or point {TestEnvironmentVariables.RabbitMqManagement} at it.", e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
                return;

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException(
                $"RabbitMQ's management API at {_displayAddress} answered {(int)response.StatusCode} to {method} {path}: {text}");
        }
    }

    public void Dispose() => _http.Dispose();
}
