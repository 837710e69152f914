using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportSaga.Contracts;
using ReportSaga.EndToEndBench.Runs;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>
/// One real report, taken by the service from its request to <c>Waiting</c> on the provider, whose rows the seeder
/// then copies: so the seeded rows are what the service itself writes (its serializer, envelope, headers and columns),
/// not a hand-written imitation.
/// </summary>
internal static class TemplateReport
{
    private static readonly TimeSpan WaitingLimit = TimeSpan.FromSeconds(180);

    /// <summary>Publishes one request and waits until its saga row is Waiting between two checks with its wake-up stored.</summary>
    public static async Task<Guid> CreateAsync(Uri amqp, string databaseConnectionString, RequestReport request)
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.UsingRabbitMq((_, cfg) => cfg.Host(amqp, h => h.ConnectionName("reportsaga-bench-template")));
        });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        using (var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await bus.StartAsync(starting.Token);
        try
        {
            await bus.Publish(request, Interrupt.Token);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }

        var deadline = DateTime.UtcNow + WaitingLimit;
        await using var connection = new NpgsqlConnection(databaseConnectionString);
        await connection.OpenAsync(Interrupt.Token);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM report_state r JOIN scheduled_message w ON w.token_id = r.wake_up_token_id " +
                "JOIN scheduled_message d ON d.token_id = r.deadline_token_id JOIN submission_slot s ON s.request_id = r.correlation_id " +
                "WHERE r.correlation_id = @id AND r.current_state = 'Waiting' AND NOT w.cancelled", connection);
            command.Parameters.AddWithValue("id", request.RequestId);
            if ((long)(await command.ExecuteScalarAsync(Interrupt.Token))! == 1)
                return request.RequestId;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"The template report {request.RequestId} did not reach Waiting with its wake-up stored within {WaitingLimit}.");
            await Task.Delay(250, Interrupt.Token);
        }
    }
}
