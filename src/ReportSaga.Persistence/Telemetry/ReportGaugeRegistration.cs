using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.Persistence.Telemetry;

/// <summary>Registers the gauges that count from the database (<see cref="ReportStateGauge"/>, <see cref="RequesterUsageGauge"/>).</summary>
public static class ReportGaugeRegistration
{
    /// <summary>Binds and checks (at start-up) <see cref="ReportGaugeOptions"/> and runs both gauges as hosted services.</summary>
    public static IServiceCollection AddReportGauges(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ReportGaugeOptions>().BindSettings(configuration.GetSection(ReportGaugeOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportGaugeOptions>, ReportGaugeOptionsValidator>());
        services.AddHostedService<ReportStateGauge>();
        services.AddHostedService<RequesterUsageGauge>();
        return services;
    }
}
