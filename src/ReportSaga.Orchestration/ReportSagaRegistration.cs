using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using ReportSaga.Orchestration.Consumers;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Reports.History;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Orchestration;

/// <summary>Registration of the report saga's settings, state machines and consumers.</summary>
public static class ReportSagaRegistration
{
    /// <summary>Binds and validates (at start-up) the <c>Polling</c>, <c>Reports</c>, <c>Submission</c>, <c>Requests</c> and <c>Credits</c> sections.</summary>
    public static IServiceCollection AddReportSagaOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PollingOptions>().BindSettings(configuration.GetSection(PollingOptions.SectionName));
        services.AddOptions<ReportsOptions>().BindSettings(configuration.GetSection(ReportsOptions.SectionName));
        services.AddOptions<SubmissionOptions>().BindSettings(configuration.GetSection(SubmissionOptions.SectionName));
        services.AddOptions<RequestsOptions>().BindSettings(configuration.GetSection(RequestsOptions.SectionName));
        services.AddOptions<CreditsOptions>().BindSettings(configuration.GetSection(CreditsOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CreditsOptions>, CreditsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PollingOptions>, PollingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SubmissionOptions>, SubmissionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestsOptions>, RequestsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Adds the report state machine, the Batch API consumers and the submission gate's worker to the bus. The caller
    /// chooses the saga repository (<paramref name="configureReportRepository"/>); left null, MassTransit's in-memory
    /// repository is used with an in-memory submission gate, which only the test harness should rely on. A durable
    /// repository needs a durable <see cref="ISubmissionQueue"/>/<see cref="ISubmissionGrants"/> registered with it.
    /// </summary>
    public static IBusRegistrationConfigurator AddReportSaga(
        this IBusRegistrationConfigurator bus,
        Action<ISagaRegistrationConfigurator<ReportState>>? configureReportRepository = null)
    {
        var report = bus.AddSagaStateMachine<ReportStateMachine, ReportState>(typeof(ReportStateDefinition));
        if (configureReportRepository is null)
        {
            report.InMemoryRepository();
            bus.TryAddSingleton<InMemorySubmissionQueue>();
            bus.TryAddSingleton<ISubmissionQueue>(provider => provider.GetRequiredService<InMemorySubmissionQueue>());
            bus.TryAddSingleton<ISubmissionGrants>(provider => provider.GetRequiredService<InMemorySubmissionQueue>());
            bus.TryAddSingleton<IRecentReportDurations, InMemoryRecentReportDurations>();
            bus.TryAddSingleton<InMemoryReportHistory>();
            bus.TryAddSingleton<IReportHistory>(provider => provider.GetRequiredService<InMemoryReportHistory>());
        }
        else
            configureReportRepository(report);

        bus.TryAddSingleton<SubmissionGateSignal>();
        // The account's credits for the guard: a durable store registers one shared by every instance first.
        bus.TryAddSingleton<AccountCreditsReader>();
        bus.TryAddSingleton<IAccountCreditsCache, InMemoryAccountCreditsCache>();
        bus.TryAddSingleton<SubmissionGranter>();
        bus.AddSingleton<IHostedService>(provider => provider.GetRequiredService<SubmissionGranter>());
        bus.TryAddSingleton<ISubmissionAuthority, SagaSubmissionAuthority>();
        bus.TryAddSingleton<IReportStepCheck, SagaReportStepCheck>();

        bus.AddConsumer<AcceptReportRequestConsumer>(typeof(AcceptReportRequestDefinition));
        // The consumers' queues take only what the saga sends them: no exchange is bound to an internal command.
        bus.AddConsumer<ValidateReportConsumer>().Endpoint(e => Internal(e, ReportSagaQueues.Validate));
        bus.AddConsumer<SubmitReportConsumer>().Endpoint(e => Internal(e, ReportSagaQueues.Submit));
        bus.AddConsumer<CheckReportStatusConsumer>().Endpoint(e => Internal(e, ReportSagaQueues.CheckStatus));
        bus.AddConsumer<RetryReportConsumer>().Endpoint(e => Internal(e, ReportSagaQueues.Retry));
        return bus;
    }

    private static void Internal(IEndpointRegistrationConfigurator endpoint, string name)
    {
        endpoint.Name = name;
        endpoint.ConfigureConsumeTopology = false;
    }
}
