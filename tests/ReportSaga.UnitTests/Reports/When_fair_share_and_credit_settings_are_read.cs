using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.UnitTests.Reports;

/// <summary>Issue #16's settings: bound per requester, and a bad value stops start-up naming the key.</summary>
public sealed class When_fair_share_and_credit_settings_are_read
{
    [Theory]
    [InlineData("Submission:Weights:team-a", "0", "Submission__Weights__team-a")]
    [InlineData("Submission:Weights:team-a", "1001", "Submission__Weights__team-a")]
    [InlineData("Submission:MaxInFlightPerRequester", "0", "Submission__MaxInFlightPerRequester")]
    [InlineData("Credits:DailyBudgets:team-b", "-1", "Credits__DailyBudgets__team-b")]
    [InlineData("Credits:DefaultDailyBudget", "-5", "Credits__DefaultDailyBudget")]
    [InlineData("Credits:AccountCacheFor", "00:00:00", "Credits__AccountCacheFor")]
    [InlineData("Credits:AccountCacheFor", "02:00:00", "Credits__AccountCacheFor")]
    public void A_bad_value_stops_start_up_naming_the_key(string key, string value, string named)
    {
        using var provider = Build(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<SubmissionOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<CreditsOptions>>().Value;
        });

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_and_budgets_are_read_per_requester_and_the_defaults_share_fairly_with_the_guard_on()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Submission:Weights:team-a"] = "3",
            ["Submission:MaxInFlightPerRequester"] = "40",
            ["Credits:DailyBudgets:team-a"] = "5000",
            ["Credits:DefaultDailyBudget"] = "1000",
        });

        var submission = provider.GetRequiredService<IOptions<SubmissionOptions>>().Value;
        var credits = provider.GetRequiredService<IOptions<CreditsOptions>>().Value;
        Assert.True(submission.FairShare);
        Assert.Equal(3, submission.Weights["team-a"]);
        Assert.Equal(40, submission.MaxInFlightPerRequester);
        Assert.Equal(5000, credits.DailyBudgets["team-a"]);
        Assert.Equal(1000, credits.DefaultDailyBudget);
        Assert.True(credits.AccountGuard);
        Assert.Equal(TimeSpan.FromSeconds(30), credits.AccountCacheFor);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values) =>
        new ServiceCollection().AddReportSagaOptions(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();
}
