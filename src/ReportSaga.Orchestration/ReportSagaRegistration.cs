using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Consumers;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Orchestration;

/// <summary>Registration of the report saga's settings, state machines and consumers.</summary>
public static class ReportSagaRegistration
{
    /// <summary>Binds and validates (at start-up) the <c>Polling</c>, <c>Reports</c>, <c>Submission</c> and <c>Requests</c> sections.</summary>
    public static IServiceCollection AddReportSagaOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PollingOptions>().Bind(configuration.GetSection(PollingOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ReportsOptions>().Bind(configuration.GetSection(ReportsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<SubmissionOptions>().Bind(configuration.GetSection(SubmissionOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RequestsOptions>().Bind(configuration.GetSection(RequestsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PollingOptions>, PollingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SubmissionOptions>, SubmissionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestsOptions>, RequestsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Adds the report and submission-gate state machines and the Batch API consumers to the bus. The caller chooses
    /// the saga repositories (<paramref name="configureReportRepository"/>, <paramref name="configureGateRepository"/>);
    /// left null, MassTransit's in-memory repository is used, which only the test harness should rely on.
    /// </summary>
    public static IBusRegistrationConfigurator AddReportSaga(
        this IBusRegistrationConfigurator bus,
        Action<ISagaRegistrationConfigurator<ReportState>>? configureReportRepository = null,
        Action<ISagaRegistrationConfigurator<SubmissionGateState>>? configureGateRepository = null)
    {
        var report = bus.AddSagaStateMachine<ReportStateMachine, ReportState>();
        if (configureReportRepository is null)
            report.InMemoryRepository();
        else
            configureReportRepository(report);

        var gate = bus.AddSagaStateMachine<SubmissionGateStateMachine, SubmissionGateState>(typeof(SubmissionGateDefinition));
        if (configureGateRepository is null)
            gate.InMemoryRepository();
        else
            configureGateRepository(gate);

        bus.AddConsumer<AcceptReportRequestConsumer>(typeof(AcceptReportRequestDefinition));
        bus.AddConsumer<ValidateReportConsumer>();
        bus.AddConsumer<SubmitReportConsumer>();
        bus.AddConsumer<CheckReportStatusConsumer>();
        bus.AddConsumer<RetryReportConsumer>();
        return bus;
    }
}
