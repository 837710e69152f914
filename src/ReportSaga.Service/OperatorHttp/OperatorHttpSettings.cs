using System.Globalization;
using ReportSaga.Service.Hosting;

namespace ReportSaga.Service.OperatorHttp;

/// <summary>
/// How the operator HTTP API (everything but <c>/health/*</c>) is protected, read once from the <c>Http</c> section:
/// API keys, whether authentication is switched off, and the report API's rate limit.
/// </summary>
/// <remarks>
/// With keys, every caller must present one, loopback included. Without keys, outside Production only callers
/// connecting from a loopback address are let in (a developer's curl on the same machine); anyone else gets 401,
/// whatever address the service binds to. In Production, no keys is a start-up error unless
/// <c>Http__Authentication=None</c> says so explicitly.
/// </remarks>
public sealed class OperatorHttpSettings
{
    public const string ApiKeysKey = "Http:ApiKeys";
    public const string AuthenticationKey = "Http:Authentication";
    public const string RateLimitPermitsKey = "Http:RateLimitPermits";
    public const string RateLimitWindowKey = "Http:RateLimitWindow";

    /// <summary>Shorter keys could be guessed within the rate limit's reach.</summary>
    public const int MinimumKeyLength = 16;

    private OperatorHttpSettings(bool authenticationOff, ApiKeySet keys, int rateLimitPermits, TimeSpan rateLimitWindow)
    {
        AuthenticationOff = authenticationOff;
        Keys = keys;
        RateLimitPermits = rateLimitPermits;
        RateLimitWindow = rateLimitWindow;
    }

    /// <summary><c>Http__Authentication=None</c>: anyone who reaches the port may use the API.</summary>
    public bool AuthenticationOff { get; }

    /// <summary>The accepted keys; empty means loopback callers only (never in Production).</summary>
    public ApiKeySet Keys { get; }

    /// <summary>Report API requests one caller may make per <see cref="RateLimitWindow"/>.</summary>
    public int RateLimitPermits { get; }

    public TimeSpan RateLimitWindow { get; }

    /// <summary>Reads the settings; throws <see cref="InvalidSettingException"/> naming the key that is wrong or missing.</summary>
    public static OperatorHttpSettings From(IConfiguration configuration, bool isProduction)
    {
        var authenticationOff = configuration[AuthenticationKey] switch
        {
            null or "" => false,
            var value when value.Equals("ApiKey", StringComparison.OrdinalIgnoreCase) => false,
            var value when value.Equals("None", StringComparison.OrdinalIgnoreCase) => true,
            _ => throw new InvalidSettingException(AuthenticationKey, "must be ApiKey or None"),
        };

        var keys = (configuration[ApiKeysKey] ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (keys.Any(key => key.Length < MinimumKeyLength))
            throw new InvalidSettingException(ApiKeysKey, $"must hold keys of at least {MinimumKeyLength} characters each (comma-separated)");
        if (isProduction && !authenticationOff && keys.Length == 0)
            throw new InvalidSettingException(ApiKeysKey,
                "is required in Production to protect the operator HTTP API (or set Http__Authentication=None to serve it without authentication)");

        var permits = configuration[RateLimitPermitsKey] is { Length: > 0 } permitsText
            ? int.TryParse(permitsText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1
                ? parsed
                : throw new InvalidSettingException(RateLimitPermitsKey, "must be a whole number of at least 1")
            : 100;
        var window = configuration[RateLimitWindowKey] is { Length: > 0 } windowText
            ? TimeSpan.TryParse(windowText, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
                ? span
                : throw new InvalidSettingException(RateLimitWindowKey, "must be a positive time span such as 00:00:01")
            : TimeSpan.FromSeconds(1);

        return new OperatorHttpSettings(authenticationOff, new ApiKeySet(keys), permits, window);
    }

    /// <summary>For the start-up log line: how the API is protected, never a key.</summary>
    public override string ToString() =>
        (AuthenticationOff ? "authentication=none" : Keys.Count > 0 ? $"authentication=api-key ({Keys.Count} key(s))" : "authentication=loopback-only") +
        $" rate-limit={RateLimitPermits}/{RateLimitWindow:g}";
}
