using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReportSaga.UnitTests.Simulator;

/// <summary>Raw HTTP calls to the simulator, to see exactly what it answers (status, content type, body).</summary>
internal static class SimulatorCalls
{
    public static HttpClient Http(Uri baseAddress, string? apiKey = "demo-key")
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("api-key", apiKey);
        }

        return http;
    }

    public static async Task<(int Status, JsonElement Body)> PostJson(HttpClient http, string path, JsonNode body)
    {
        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static string[] Errors(JsonElement body) =>
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
}
