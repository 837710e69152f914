using Microsoft.Extensions.Options;

namespace ReportSaga.Service.OperatorHttp;

/// <summary>
/// Start-up checks of <see cref="OperatorHttpOptions"/>; each failure names the setting as an environment variable and
/// never quotes a key. In Production, no key is an error unless <c>Http__Authentication=None</c> says so explicitly.
/// </summary>
internal sealed class OperatorHttpOptionsValidator(bool isProduction) : IValidateOptions<OperatorHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorHttpOptions options)
    {
        var failures = new List<string>();
        var authenticationOff = options.AuthenticationOff;
        if (!string.IsNullOrEmpty(options.Authentication) && !authenticationOff
            && !string.Equals(options.Authentication, "ApiKey", StringComparison.OrdinalIgnoreCase))
            failures.Add("Setting Http__Authentication must be ApiKey or None.");

        var keys = options.KeyList;
        if (keys.Any(key => key.Length < OperatorHttpSettings.MinimumKeyLength))
            failures.Add($"Setting Http__ApiKeys must hold keys of at least {OperatorHttpSettings.MinimumKeyLength} characters each (comma-separated).");
        else if (isProduction && !authenticationOff && keys.Length == 0)
            failures.Add("Setting Http__ApiKeys is required in Production to protect the operator HTTP API " +
                         "(or set Http__Authentication=None to serve it without authentication).");

        if (options.RateLimitPermits < 1)
            failures.Add("Setting Http__RateLimitPermits must be a whole number of at least 1.");
        if (options.RateLimitWindow <= TimeSpan.Zero)
            failures.Add("Setting Http__RateLimitWindow must be a positive time span such as 00:00:01.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
