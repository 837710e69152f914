using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Service.Hosting;

/// <summary>
/// <c>dotnet run --project src/ReportSaga.Service -- migrate</c> (or <c>dotnet ReportSaga.Service.dll migrate</c>):
/// applies the schema to the configured database and exits, for deployments that run migrations as a separate step
/// and start the service with <c>Storage__MigrateOnStartup=false</c>.
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration[StorageSettings.MigrateOnStartupKey] = "false";
        var storage = builder.Services.AddReportSagaPersistence(builder.Configuration);
        using var host = builder.Build();

        Console.WriteLine($"Migrating {storage.Description} …");
        await ReportSagaDatabase.MigrateAsync(host.Services);
        var status = await ReportSagaDatabase.CheckMigrationsAsync(host.Services);
        Console.WriteLine($"Done: {status}");
        return 0;
    }
}
