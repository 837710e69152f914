using ReportSaga.Simulator;

// The simulator on its own: `dotnet run --project src/ReportSaga.Simulator -- --urls http://127.0.0.1:5080`.
// Settings come from the Simulator section (appsettings.json or env Simulator__*); see docs/simulator.md.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBatchApiSimulator(builder.Configuration);

var app = builder.Build();
app.MapBatchApiSimulator();

var options = app.Services.GetRequiredService<SimulatorState>().Options;
app.Logger.LogInformation(
    "Batch API simulator: {KeyCount} accepted key(s), processing time {ProcessingTime}, {InitialCredits} credits per key",
    options.AcceptedApiKeys().Count, options.ProcessingTime, options.InitialCredits);
app.Run();
