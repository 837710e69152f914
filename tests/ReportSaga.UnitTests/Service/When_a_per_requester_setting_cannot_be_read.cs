using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// The per-requester settings are dictionaries, whose unreadable entries the configuration binder drops without a
/// word: a team given <c>heavy</c> as its weight would silently get the default share. They stop start-up instead.
/// </summary>
public sealed class When_a_per_requester_setting_cannot_be_read
{
    [Fact]
    public void A_weight_that_is_not_a_number_is_refused_naming_its_key()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind<SubmissionOptions>("Submission",
            new() { ["Submission:Weights:reports-team"] = "heavy", ["Submission:Weights:billing"] = "3" }));

        Assert.Contains("Setting Submission__Weights__reports-team must be a whole number.", refused.Failures);
        Assert.DoesNotContain(refused.Failures, failure => failure.Contains("billing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_daily_budget_that_is_not_a_number_is_refused_naming_its_key()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind<CreditsOptions>("Credits",
            new() { ["Credits:DailyBudgets:reports-team"] = "lots" }));

        Assert.Contains("Setting Credits__DailyBudgets__reports-team must be a whole number.", refused.Failures);
    }

    [Fact]
    public void Readable_entries_are_all_taken()
    {
        var submission = Bind<SubmissionOptions>("Submission", new() { ["Submission:Weights:reports-team"] = "2", ["Submission:Weights:billing"] = "3" });

        Assert.Equal(2, submission.Weights["reports-team"]);
        Assert.Equal(3, submission.Weights["billing"]);
    }

    private static TOptions Bind<TOptions>(string section, Dictionary<string, string?> values)
        where TOptions : class, new()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<TOptions>().BindSettings(configuration.GetSection(section));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TOptions>>().Value;
    }
}
