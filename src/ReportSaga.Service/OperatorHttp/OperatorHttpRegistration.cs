using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace ReportSaga.Service.OperatorHttp;

/// <summary>
/// Puts authentication and rate limiting in front of the operator HTTP API with ASP.NET Core's own primitives:
/// an authentication scheme (<see cref="ApiKeyAuthenticationHandler"/>), a fallback authorization policy that every
/// endpoint not marked anonymous (only <c>/health/*</c> is) must pass, and a rate limiter policy for the report API.
/// </summary>
public static class OperatorHttpRegistration
{
    /// <summary>The rate limiter policy of the report API.</summary>
    public const string ReportsRateLimitPolicy = "reports";

    /// <summary>Reads the <c>Http</c> settings (throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>) and registers the services.</summary>
    public static OperatorHttpSettings AddOperatorHttp(this WebApplicationBuilder builder, bool isProduction)
    {
        var settings = OperatorHttpSettings.From(builder.Configuration, isProduction);
        builder.Services.AddSingleton(settings);

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, _ => { });
        builder.Services.AddAuthorizationBuilder()
            // Null leaves every endpoint open: only an explicit Http__Authentication=None does that.
            .SetFallbackPolicy(settings.AuthenticationOff
                ? null
                : new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                    context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            // One window per caller: the key's number once authenticated, else the remote address (authentication off).
            limiter.AddPolicy(ReportsRateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                CallerOf(context),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.RateLimitPermits,
                    Window = settings.RateLimitWindow,
                    QueueLimit = 0,
                }));
        });
        return settings;
    }

    /// <summary>Authentication, authorization and rate limiting, in that order: only callers who got in count against a limit.</summary>
    public static WebApplication UseOperatorHttp(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<OperatorHttpSettings>();
        if (settings.AuthenticationOff)
            app.Logger.LogWarning("The operator HTTP API has no authentication (Http__Authentication=None): anyone who reaches the port may use it");

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static string CallerOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? name
            : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
