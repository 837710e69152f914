namespace ReportSaga.Simulator;

/// <summary>
/// The simulator on its own: <c>dotnet run --project src/ReportSaga.Simulator -- --urls http://127.0.0.1:5080</c>.
/// Settings come from the Simulator section (env <c>Simulator__*</c>, command line <c>--Simulator:Name=value</c>);
/// see docs/simulator.md. The project ships no appsettings.json on purpose: the service references this project,
/// and a second appsettings.json would collide with the service's own in its build and publish output.
/// An explicit entry point rather than top-level statements: those would generate a public <c>Program</c> that
/// collides with the service's in any project referencing both.
/// </summary>
public static class SimulatorProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // no per-request log lines
        builder.Services.AddBatchApiSimulator(builder.Configuration);

        var app = builder.Build();
        app.MapBatchApiSimulator();

        var options = app.Services.GetRequiredService<SimulatorState>().Options;
        app.Logger.LogInformation(
            "Batch API simulator: {KeyCount} accepted key(s), processing time {ProcessingTime}, {InitialCredits} credits per key",
            options.AcceptedApiKeys().Count, options.ProcessingTime, options.InitialCredits);
        app.Run();
    }
}
