using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Persistence.Support;
using ReportSaga.Persistence;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>
/// Another application on the same virtual host publishes MassTransit schedule commands (its own Quartz scheduler
/// would consume them from the broker-wide <c>MassTransit.Scheduling:ScheduleMessage</c> exchange). They must not
/// reach this service's scheduler queue, which takes only what is sent to its own address.
/// </summary>
public sealed class When_another_application_publishes_schedule_commands(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>
{
    private const string ScheduleExchange = "MassTransit.Scheduling:ScheduleMessage";
    private const string CancelExchange = "MassTransit.Scheduling:CancelScheduledMessage";
    private const string OtherApplicationsQueue = "other-application-scheduler";

    [Fact]
    public async Task They_reach_the_other_applications_scheduler_and_not_this_ones()
    {
        await using var host = await RabbitMqPersistenceHost.StartAsync(infrastructure.RabbitMqUri, infrastructure.PostgresConnectionString,
            x =>
            {
                x.AddDurableMessageScheduler(o => o.RunDispatcher = false);
                x.AddMessageScheduler(new DurableSchedulerOptions().Address);
            },
            configureTransport: (context, cfg) => cfg.UseDurableMessageScheduler(context));

        // The other application's scheduler queue, bound as MassTransit binds a consumer of ScheduleMessage.
        var factory = new ConnectionFactory { Uri = infrastructure.RabbitMqUri, ClientProvidedName = "other-application" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(ScheduleExchange, ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync(OtherApplicationsQueue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(OtherApplicationsQueue, ScheduleExchange, "");

        var published = Guid.NewGuid();
        await host.Bus.Publish<ScheduleMessage>(Command(published));
        var sent = Guid.NewGuid();
        await (await host.Bus.GetSendEndpoint(new DurableSchedulerOptions().Address)).Send<ScheduleMessage>(Command(sent));

        // The service stores what was sent to its address, and the other application got the published one.
        await Eventually.Until(() => TokensAsync(host), tokens => tokens.Contains(sent));
        var otherQueued = await Eventually.Until(async () => (await channel.QueueDeclarePassiveAsync(OtherApplicationsQueue)).MessageCount, n => n > 0);
        Assert.Equal(1u, otherQueued);
        await Task.Delay(500); // let a wrongly routed command arrive before looking
        Assert.Equal([sent], await TokensAsync(host));

        // Nothing binds the broker-wide scheduling exchanges to the service's queue.
        var bound = await DestinationsBoundToAsync(ScheduleExchange);
        Assert.Equal([OtherApplicationsQueue], bound);
        Assert.DoesNotContain(await DestinationsBoundToAsync(CancelExchange), d => d.Contains("report-scheduler"));
    }

    private static object Command(Guid token) => new
    {
        CorrelationId = token,
        ScheduledTime = DateTime.UtcNow.AddHours(1),
        PayloadType = new[] { MessageUrn.ForTypeString<ScheduledPing>() },
        Destination = new Uri("queue:scheduled-ping"),
        Payload = new ScheduledPing(Guid.NewGuid()),
    };

    private static async Task<List<Guid>> TokensAsync(RabbitMqPersistenceHost host)
    {
        await using var scope = host.Provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>().ScheduledMessages.Select(x => x.TokenId).ToListAsync();
    }

    /// <summary>What <paramref name="exchange"/> routes to in the class's virtual host (management API); none when it does not exist.</summary>
    private async Task<List<string>> DestinationsBoundToAsync(string exchange)
    {
        var server = await RabbitMqTestServer.GetAsync();
        var (user, password) = UriCredentials.Parse(server.ManagementUri);
        using var http = new HttpClient { BaseAddress = new UriBuilder(server.ManagementUri) { UserName = "", Password = "", Path = "/api/" }.Uri };
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await http.GetAsync(
            $"exchanges/{Uri.EscapeDataString(infrastructure.VirtualHost)}/{Uri.EscapeDataString(exchange)}/bindings/source");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        using var bindings = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bindings.RootElement.EnumerateArray().Select(b => b.GetProperty("destination").GetString()!).ToList();
    }
}
