using ReportSaga.Orchestration.Options;

namespace ReportSaga.Service.OperatorHttp;

/// <summary>
/// How the operator HTTP API (everything but <c>/health/*</c>) is protected, made once from the <c>Http</c> section:
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

    /// <summary>
    /// Binds and checks the <c>Http</c> section (<see cref="OperatorHttpOptions"/>); throws
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming the key that is wrong or missing.
    /// </summary>
    public static OperatorHttpSettings From(IConfiguration configuration, bool isProduction)
    {
        var options = configuration.GetSection(OperatorHttpOptions.SectionName).ReadSettings(new OperatorHttpOptionsValidator(isProduction));
        return new OperatorHttpSettings(options.AuthenticationOff, new ApiKeySet(options.KeyList), options.RateLimitPermits, options.RateLimitWindow);
    }

    /// <summary>For the start-up log line: how the API is protected, never a key.</summary>
    public override string ToString() =>
        (AuthenticationOff ? "authentication=none" : Keys.Count > 0 ? $"authentication=api-key ({Keys.Count} key(s))" : "authentication=loopback-only") +
        $" rate-limit={RateLimitPermits}/{RateLimitWindow:g}";
}
