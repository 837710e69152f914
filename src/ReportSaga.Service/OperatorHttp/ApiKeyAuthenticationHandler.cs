using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ReportSaga.Service.OperatorHttp;

/// <summary>
/// Authenticates operator API callers by key: <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.
/// With no keys configured (outside Production), a caller connecting from a loopback address is let in as
/// <c>loopback</c>; everyone else is challenged with 401. Neither a presented nor a configured key is ever logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, OperatorHttpSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (settings.Keys.Count == 0)
        {
            return Task.FromResult(IsLoopback(Context.Connection.RemoteIpAddress)
                ? Success("loopback")
                : AuthenticateResult.Fail("No API key is configured (Http__ApiKeys); only loopback callers are let in."));
        }

        var presented = PresentedKey(Request);
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());

        var match = settings.Keys.Match(presented);
        return Task.FromResult(match == 0 ? AuthenticateResult.Fail("The API key is not valid.") : Success($"api-key-{match}"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>The key from either header, or null when the request carries none.</summary>
    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(ApiKeyHeader, out var apiKey) && apiKey.Count == 1 && !string.IsNullOrEmpty(apiKey[0]))
            return apiKey[0];

        var authorization = request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var token = value[BearerPrefix.Length..].Trim();
            return token.Length > 0 ? token : null;
        }

        return null;
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private AuthenticateResult Success(string caller)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, caller)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
