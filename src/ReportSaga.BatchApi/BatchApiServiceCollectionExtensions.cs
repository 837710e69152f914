using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using ReportSaga.BatchApi;

// In the DI namespace, like the framework's own Add* extensions, so callers need no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IBatchApiClient"/> with its options, HttpClients and resilience pipelines.</summary>
public static class BatchApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Batch API client with options bound from the <c>BatchApi</c> section of
    /// <paramref name="configuration"/> (the root configuration), validated when the host starts.
    /// </summary>
    public static IServiceCollection AddBatchApiClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BatchApiOptions>().Bind(configuration.GetSection(BatchApiOptions.SectionName));
        return services.AddBatchApiClientCore();
    }

    /// <summary>Registers the Batch API client with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddBatchApiClient(this IServiceCollection services, Action<BatchApiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BatchApiOptions>().Configure(configure);
        return services.AddBatchApiClientCore();
    }

    private static IServiceCollection AddBatchApiClientCore(this IServiceCollection services)
    {
        // A second call only adds its options source: the HttpClients and pipelines exist once.
        if (services.Any(d => d.ServiceType == typeof(BatchApiClientRegistered)))
        {
            return services;
        }

        services.AddSingleton<BatchApiClientRegistered>();
        services.AddOptions<BatchApiOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchApiOptions>, BatchApiOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Idempotent calls: retry (exponential backoff with jitter) around a per-attempt timeout.
        services.AddHttpClient<IBatchApiClient, BatchApiClient>(BatchApiHttpClientNames.Idempotent)
            .ConfigureHttpClient(ConfigureHttpClient)
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            .RedactLoggedHeaders(IsSecretHeader)
            .AddResilienceHandler("batch-api-idempotent", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<BatchApiOptions>>().CurrentValue;
                UseWallClock(pipeline);
                if (options.MaxRetryAttempts > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetryAttempts,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,
                        MaxDelay = options.RetryMaxDelay,
                        // A Retry-After on a 5xx is passed to the caller with the result instead of being slept on here.
                        ShouldRetryAfterHeader = false,
                        ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome)),
                    });
                }

                pipeline.AddTimeout(options.AttemptTimeout);
            });

        // request-report: a per-attempt timeout and nothing else. A retry could submit (and charge) twice.
        services.AddHttpClient(BatchApiHttpClientNames.Submission)
            .ConfigureHttpClient(ConfigureHttpClient)
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            .RedactLoggedHeaders(IsSecretHeader)
            .AddResilienceHandler("batch-api-submission", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<BatchApiOptions>>().CurrentValue;
                UseWallClock(pipeline);
                pipeline.AddTimeout(options.AttemptTimeout);
            });

        return services;
    }

    /// <summary>
    /// 5xx, 408, timeouts and network errors are retried. 429 is not: the limit is on pending reports, which
    /// seconds of backoff will not clear, so it goes back to the caller with Retry-After.
    /// </summary>
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode == HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500,
        _ => false,
    };

    /// <summary>
    /// HTTP timeouts and retry waits are about the network, so they run on the wall clock even where the host's
    /// TimeProvider is a test's fake clock (which would otherwise freeze every timeout until the test moved time).
    /// </summary>
    private static void UseWallClock(ResiliencePipelineBuilder<HttpResponseMessage> pipeline) => pipeline.TimeProvider = TimeProvider.System;

    // The resilience pipeline owns timeouts; HttpClient's 100 s default would cut retries short.
    private static void ConfigureHttpClient(HttpClient client) => client.Timeout = Timeout.InfiniteTimeSpan;

    // No automatic redirects: HttpClient would forward the api-key header to wherever a redirect points.
    private static HttpMessageHandler CreatePrimaryHandler() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    private sealed class BatchApiClientRegistered;

    private static bool IsSecretHeader(string header) =>
        header.Equals(BatchApiClient.ApiKeyHeader, StringComparison.OrdinalIgnoreCase) ||
        header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ||
        header.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ||
        header.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);
}
