using System.Text.Json.Nodes;
using RabbitMQ.Client;
using ReportSaga.IntegrationTests.BrokerAccess;
using ReportSaga.IntegrationTests.DatabaseRoles;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Service.Hosting;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd;

/// <summary>
/// Issue #12, items 3 and 6, as deployed: the schema migrated by the owner role, the service process running as the
/// broker user and the database role the deploy files give it (no migration at start-up), a report started by a
/// publisher team's user and its outcome read by a subscriber team's user, all from the shipped policy and script.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_the_service_runs_with_the_shipped_broker_users_and_database_roles(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan EndLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public Task A_publisher_users_report_runs_to_completion_and_reaches_a_subscriber_users_queue() =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            await using var access = await ShippedBrokerAccess.ApplyAsync(infrastructure.VirtualHost);
            await using var database = await ShippedDatabaseRoles.CreateAsync();
            Assert.Equal(0, await MigrateCommand.RunAsync([$"--ConnectionStrings:Postgres={database.OwnerConnectionString}"]));

            var settings = scenario.Settings(access.UriOf(ShippedBrokerAccess.ServiceUser));
            settings["ConnectionStrings__Postgres"] = database.AppConnectionString;
            settings["Storage__MigrateOnStartup"] = "false";
            await scenario.StartServiceAsync("service", settings);

            await using var subscriber = await Amqp.ConnectAsync(access.UriOf(ShippedBrokerAccess.Subscriber));
            var queue = $"{access.UserOf(ShippedBrokerAccess.Subscriber)}.completed";
            Assert.Null(await Amqp.RefusalAsync(subscriber, async channel =>
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
                await channel.QueueBindAsync(queue, "ReportSaga.Contracts:ReportCompleted", "");
            }));

            var report = Reports.Plain(1, plainJson: true);
            var request = new JsonObject
            {
                ["requestId"] = report.RequestId.ToString(),
                ["report"] = report.Body.DeepClone(),
                ["maxCredits"] = report.MaxCredits,
                ["requestedBy"] = access.UserOf(ShippedBrokerAccess.PlainPublisher),
            };
            await using var publisher = await Amqp.ConnectAsync(access.UriOf(ShippedBrokerAccess.PlainPublisher));
            Assert.Null(await Amqp.RefusalAsync(publisher,
                channel => Amqp.PublishAsync(channel, "ReportSaga.Contracts:RequestReport", request.ToJsonString())));

            Assert.True(await Amqp.TakeUntilAsync(subscriber, queue, report.RequestId.ToString(), EndLimit),
                $"no ReportCompleted for {report} reached {queue} within {EndLimit}");
            var submitted = Assert.Single(scenario.Simulator.State.SubmittedReports(), s => s.ReportName == report.Name);
            Assert.NotNull(submitted.ReportId);
        });
}
