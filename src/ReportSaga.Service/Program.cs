using Microsoft.Extensions.Options;
using ReportSaga.Service.Cli;
using ReportSaga.Service.Defaults;
using ReportSaga.Service.Hosting;
using ReportSaga.Service.OperatorApi;
using ReportSaga.Service.OperatorHttp;
using ReportSaga.Service.Reports;

try
{
    // Verbs (demo, migrate, reports, errors, --help, --version) go to the CLI; a command line of ASP.NET configuration
    // switches only (--urls …, --Key=value), or none, runs the service. Anything else is refused by the CLI (exit 2).
    if (!ServiceArguments.RunTheService(args))
        return await ReportSagaCli.RunAsync(args);

    var builder = WebApplication.CreateBuilder(args);
    builder.AddServiceDefaults();
    var production = ReportSagaHost.IsProductionRequested(builder);
    var http = builder.AddOperatorHttp(production);
    var parts = await ReportSagaHost.ConfigureAsync(builder);
    builder.AddOperatorApi(parts);

    var app = builder.Build();
    // Every section's checks (ValidateOnStart) now, before the host starts: the host would log a failure at start
    // with a stack trace before the handler below could word it for the operator.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.Logger.LogInformation("ReportSaga starting: {Parts} http: {Http}", parts.Describe(), http);
    if (production && parts.BatchApiBaseUrl is { Scheme: "http", IsLoopback: false } insecure)
        app.Logger.LogWarning("The Batch API is called over plain http ({BatchApi}, BatchApi__AllowInsecureHttp=true): the API key crosses the network unencrypted",
            insecure.GetLeftPart(UriPartial.Authority));
    app.UseOperatorHttp();
    app.MapDefaultEndpoints();
    app.MapReportEndpoints();
    app.MapRequesterEndpoints();
    app.MapOperatorApi();
    // Taken before running: RunAsync disposes the app's services when the host stops.
    var exit = app.Services.GetRequiredService<ServiceExit>();
    await app.RunAsync();
    // Not 0 when the service ended itself to be restarted (ServiceExit).
    return exit.Code;
}
catch (Exception exception) when (exception is InvalidSettingException or OptionsValidationException
                                   || exception is AggregateException { InnerExceptions: var inner } && inner.All(e => e is OptionsValidationException))
{
    // A bad setting is the operator's to fix: say which key, without a stack trace and without its value. Several
    // sections wrong at once arrive together.
    var problems = exception is AggregateException all ? all.InnerExceptions.Select(e => e.Message) : [exception.Message];
    await Console.Error.WriteLineAsync($"ReportSaga cannot start: {string.Join(" ", problems)}");
    return 2;
}

/// <summary>The entry point, public so tests can host the service with WebApplicationFactory.</summary>
public partial class Program;
