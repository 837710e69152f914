using Microsoft.Extensions.Options;

namespace ReportSaga.Persistence.Telemetry;

/// <summary>Start-up check of <see cref="ReportGaugeOptions"/>; the failure names the setting as an environment variable.</summary>
internal sealed class ReportGaugeOptionsValidator : IValidateOptions<ReportGaugeOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportGaugeOptions options) =>
        options.ReportsByStateInterval > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Setting Telemetry__ReportsByStateInterval must be a positive TimeSpan such as 00:00:15 (was {options.ReportsByStateInterval}).");
}
