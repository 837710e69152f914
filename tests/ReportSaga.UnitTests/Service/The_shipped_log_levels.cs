using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportSaga.Contracts;
using ReportSaga.UnitTests.Deploy;
using ReportSaga.UnitTests.Reports;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// What the service logs at the levels it ships with (src/ReportSaga.Service/appsettings.json, which every
/// environment reads; the container adds nothing): libraries' per-call chatter at Warning, the service's own lines
/// at Information.
/// </summary>
public sealed class The_shipped_log_levels
{
    [Theory]
    [InlineData("Microsoft.EntityFrameworkCore.Database.Command")]
    [InlineData("Microsoft.EntityFrameworkCore.Infrastructure")]
    [InlineData("System.Net.Http.HttpClient.BatchApi.LogicalHandler")]
    [InlineData("System.Net.Http.HttpClient.BatchApi.ClientHandler")]
    [InlineData("Polly")]
    [InlineData("Microsoft.Extensions.Http.Resilience.Internal")]
    [InlineData("MassTransit")]
    [InlineData("MassTransit.ReceiveTransport")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("Microsoft.AspNetCore.Routing.EndpointMiddleware")]
    public void Library_categories_write_warnings_but_not_information(string category)
    {
        var logger = ShippedLoggerFactory().CreateLogger(category);

        Assert.False(logger.IsEnabled(LogLevel.Information), $"{category} writes Information");
        Assert.True(logger.IsEnabled(LogLevel.Warning), $"{category} hides Warning");
    }

    [Theory]
    [InlineData("ReportSaga.Orchestration.Reports.ReportStateMachine")]
    [InlineData("ReportSaga.BatchApi.BatchApiClient")]
    [InlineData("ReportSaga.EntityFrameworkCoreIntegration.Outbox.OutboxDeliveryService")]
    [InlineData("Program")]
    [InlineData("Microsoft.Hosting.Lifetime")]
    public void The_services_own_categories_and_the_start_up_lines_write_information(string category)
    {
        Assert.True(ShippedLoggerFactory().CreateLogger(category).IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task A_report_that_completes_normally_writes_a_handful_of_lines()
    {
        const string key = "log-levels-test-key-0123";
        await using var service = new ServiceUnderTest(new Dictionary<string, string?> { ["Http:ApiKeys"] = key });
        using var client = service.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _ = service.Services; // started, start-up lines written
        await Task.Delay(500);
        var before = service.Logs.Lines.Count;

        var requestId = NewId.NextGuid();
        await service.Services.GetRequiredService<IBus>().Publish(new RequestReport { RequestId = requestId, Report = ReportBodies.Monthly("quiet") });
        ReportStatus? status = null;
        for (var attempt = 0; attempt < 120 && status?.State != "Completed"; attempt++)
        {
            await Task.Delay(250);
            using var response = await client.GetAsync($"/reports/{requestId}");
            if (response.StatusCode == HttpStatusCode.OK)
                status = await response.Content.ReadFromJsonAsync<ReportStatus>();
        }

        Assert.Equal("Completed", status?.State);
        var lines = service.Logs.Lines.Skip(before).Where(line => !line.Contains(" scope: ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count <= 5, $"{lines.Count} lines for one report:\n{string.Join("\n", lines)}");
    }

    private static ILoggerFactory ShippedLoggerFactory()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(RepositoryRoot.File("src", "ReportSaga.Service", "appsettings.json"), optional: false)
            .Build();
        return LoggerFactory.Create(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddProvider(new BatchApi.CapturingLoggerProvider()));
    }
}
