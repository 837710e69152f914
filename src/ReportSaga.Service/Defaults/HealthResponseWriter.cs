using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReportSaga.Service.Defaults;

/// <summary>
/// Writes a health report as JSON: the overall status and, per check, its status and description, so an operator
/// sees which dependency is down. Exceptions and check data are left out and descriptions pass through
/// <see cref="HealthDescriptions.ForOperators"/>: these endpoints answer without authentication, so they name no
/// host, database or file.
/// </summary>
internal static class HealthResponseWriter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = HealthDescriptions.ForOperators(entry.Value.Description),
                    durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Options));
    }
}
