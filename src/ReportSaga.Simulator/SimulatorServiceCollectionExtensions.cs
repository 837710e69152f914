using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReportSaga.Simulator;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the simulator's options and state, for <c>MapBatchApiSimulator</c> to serve.</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>Options from the <c>Simulator</c> section of <paramref name="configuration"/> (the root configuration).</summary>
    public static IServiceCollection AddBatchApiSimulator(this IServiceCollection services, IConfiguration configuration, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.SectionName));
        return services.AddSimulatorState(time);
    }

    /// <summary>Options set in code.</summary>
    public static IServiceCollection AddBatchApiSimulator(this IServiceCollection services, Action<SimulatorOptions> configure, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SimulatorOptions>().Configure(configure);
        return services.AddSimulatorState(time);
    }

    /// <summary>This very options instance (the state reads it as given).</summary>
    public static IServiceCollection AddBatchApiSimulator(this IServiceCollection services, SimulatorOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<IOptions<SimulatorOptions>>(Options.Options.Create(options));
        return services.AddSimulatorState(time);
    }

    private static IServiceCollection AddSimulatorState(this IServiceCollection services, TimeProvider? time)
    {
        // The clock is given explicitly rather than taken from the container: a host may register a TimeProvider
        // of its own for other purposes, and the simulator's clock must be the one the test moves.
        services.AddSingleton(sp => new SimulatorState(sp.GetRequiredService<IOptions<SimulatorOptions>>().Value, time));
        return services;
    }
}
