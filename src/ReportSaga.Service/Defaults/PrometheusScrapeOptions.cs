using Microsoft.Extensions.Options;

namespace ReportSaga.Service.Defaults;

/// <summary>The Prometheus scrape endpoint's setting, from the <c>Telemetry</c> section (see <see cref="PrometheusScrapeEndpoint"/>).</summary>
public sealed class PrometheusScrapeOptions
{
    public const string SectionName = "Telemetry";

    /// <summary><c>Telemetry__PrometheusPort</c>: a TCP port, 1 to 65535; absent for no scrape endpoint.</summary>
    public int? PrometheusPort { get; set; }
}

/// <summary>Start-up check of <see cref="PrometheusScrapeOptions"/>; the failure names the setting as an environment variable.</summary>
internal sealed class PrometheusScrapeOptionsValidator : IValidateOptions<PrometheusScrapeOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusScrapeOptions options) =>
        options.PrometheusPort is null or (>= 1 and <= 65535)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Setting Telemetry__PrometheusPort must be a TCP port from 1 to 65535, or absent for no scrape endpoint.");
}
