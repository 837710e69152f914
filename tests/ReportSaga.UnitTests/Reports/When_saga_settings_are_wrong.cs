using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_saga_settings_are_wrong
{
    [Theory]
    [InlineData("Polling:InitialInterval", "00:00:00", "Polling__InitialInterval")]
    [InlineData("Polling:MaxInterval", "00:00:01", "Polling__MaxInterval")]
    [InlineData("Polling:ShortReportInterval", "00:00:00", "Polling__ShortReportInterval")]
    [InlineData("Polling:ShortReportAge", "-00:00:01", "Polling__ShortReportAge")]
    [InlineData("Polling:DelayShare", "0", "Polling__DelayShare")]
    [InlineData("Polling:DelayShare", "1.5", "Polling__DelayShare")]
    [InlineData("Polling:RecentReports", "-1", "Polling__RecentReports")]
    [InlineData("Polling:RecentReports", "100000", "Polling__RecentReports")]
    [InlineData("Polling:MinRecentReports", "60", "Polling__MinRecentReports")]
    [InlineData("Polling:FirstCheckShare", "2", "Polling__FirstCheckShare")]
    [InlineData("Reports:Deadline", "-00:00:01", "Reports__Deadline")]
    [InlineData("Reports:MaxRetries", "-1", "Reports__MaxRetries")]
    [InlineData("Reports:Retention", "00:00:00", "Reports__Retention")]
    [InlineData("Submission:MaxInFlight", "0", "Submission__MaxInFlight")]
    [InlineData("Requests:MaxBodyBytes", "100", "Requests__MaxBodyBytes")]
    [InlineData("Requests:MaxBodyBytes", "1000000000", "Requests__MaxBodyBytes")]
    public void Start_up_fails_with_a_message_naming_the_key(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddReportSagaOptions(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<PollingOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ReportsOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<SubmissionOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<RequestsOptions>>().Value;
        });

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_and_match_the_contract()
    {
        using var provider = new ServiceCollection().AddReportSagaOptions(new ConfigurationBuilder().Build()).BuildServiceProvider();

        Assert.Equal(3, provider.GetRequiredService<IOptions<ReportsOptions>>().Value.MaxRetries);
        Assert.Equal(90, provider.GetRequiredService<IOptions<SubmissionOptions>>().Value.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<PollingOptions>>().Value.InitialInterval);
        Assert.Equal(256 * 1024, provider.GetRequiredService<IOptions<RequestsOptions>>().Value.MaxBodyBytes);
    }
}
