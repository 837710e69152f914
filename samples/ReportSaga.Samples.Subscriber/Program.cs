// A sample of another service following ReportSaga's reports. See samples/README.md.
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReportSaga.Samples.Subscriber;

const string DefaultRabbitMq = "amqp://guest:guest@localhost:5672/";

var builder = Host.CreateApplicationBuilder(args);
var rabbitMq = new Uri(builder.Configuration.GetConnectionString("RabbitMq") ?? DefaultRabbitMq);
// Subscriber__RequestedBy=NAME: receive only the events of reports requested as NAME (the by-requester exchanges).
var requestedBy = builder.Configuration["Subscriber:RequestedBy"];

builder.Services.AddMassTransit(x =>
{
    // MassTransit 8.4+ reports usage to its vendor by default; a sample should phone nobody.
    x.DisableUsageTelemetry();
    x.AddReportSubscriber();
    x.UsingRabbitMq((context, bus) =>
    {
        bus.Host(rabbitMq);
        bus.ConfigureReportSubscriberEndpoint(context, requestedBy: requestedBy);
    });
});

using var host = builder.Build();
// The address without its user info: the password never reaches the log.
host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ReportSaga.Samples.Subscriber")
    .LogInformation("Subscribing to ReportSaga's events on {Broker}, queue {Queue}, requested by {RequestedBy}",
        new UriBuilder(rabbitMq) { UserName = "", Password = "" }.Uri, ReportSubscriber.QueueName, requestedBy ?? "anyone");
await host.RunAsync();
