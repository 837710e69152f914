using Microsoft.Extensions.Options;

namespace ReportSaga.Service.Messaging;

/// <summary>Start-up checks of the transport's settings; each failure names the setting as an environment variable.</summary>
public sealed class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
    /// <summary>MassTransit's longest wait between two attempts to reconnect a receive endpoint.</summary>
    private static readonly TimeSpan LongestReconnectDelay = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        var failures = new List<string>();
        if (options.PrefetchCount == 0)
            failures.Add("RabbitMq__PrefetchCount must be at least 1.");
        if (options.ConcurrentMessageLimit < 1)
            failures.Add($"RabbitMq__ConcurrentMessageLimit must be at least 1 (was {options.ConcurrentMessageLimit}).");
        if (options.StuckEndpointLimit <= LongestReconnectDelay)
            failures.Add($"RabbitMq__StuckEndpointLimit must be longer than {LongestReconnectDelay:g}, the longest wait between two " +
                         $"reconnection attempts (was {options.StuckEndpointLimit:g}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
