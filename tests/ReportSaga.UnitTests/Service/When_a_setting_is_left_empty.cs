using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;

namespace ReportSaga.UnitTests.Service;

/// <summary>
/// A key set to nothing (a manifest's <c>KEY: ""</c> or <c>${X:-}</c>) means "not set": the default stays, as it did
/// before the sections were bound to options. Only a value that is there and cannot be read stops start-up.
/// </summary>
public sealed class When_a_setting_is_left_empty
{
    [Fact]
    public void The_default_stays_and_the_other_keys_of_the_section_still_apply()
    {
        var polling = Bind<PollingOptions>("Polling", new() { ["Polling:InitialInterval"] = "", ["Polling:MaxInterval"] = "00:02:00", ["Polling:Jitter"] = "  " });

        Assert.Equal(new PollingOptions().InitialInterval, polling.InitialInterval);
        Assert.Equal(new PollingOptions().Jitter, polling.Jitter);
        Assert.Equal(TimeSpan.FromMinutes(2), polling.MaxInterval);
    }

    [Fact]
    public void An_empty_key_is_not_refused_as_unknown_but_a_set_one_is()
    {
        var settable = new[] { "InitialInterval" };

        var empty = Bind<PollingOptions>("Polling", new() { ["Polling:Whatever"] = "" }, settable);
        var refused = Assert.Throws<OptionsValidationException>(() => Bind<PollingOptions>("Polling", new() { ["Polling:Whatever"] = "1" }, settable));

        Assert.Equal(new PollingOptions().InitialInterval, empty.InitialInterval);
        Assert.Contains("Polling__Whatever is not a setting of this service", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_there_and_cannot_be_read_is_still_refused_naming_its_key()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind<PollingOptions>("Polling", new() { ["Polling:InitialInterval"] = "soon" }));

        Assert.Contains("Polling__InitialInterval must be a time span", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("soon", refused.Message, StringComparison.Ordinal);
    }

    private static TOptions Bind<TOptions>(string section, Dictionary<string, string?> values, string[]? settableKeys = null)
        where TOptions : class, new()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        var builder = services.AddOptions<TOptions>();
        if (settableKeys is null)
            builder.BindSettings(configuration.GetSection(section));
        else
            builder.BindSettings(configuration.GetSection(section), settableKeys);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TOptions>>().Value;
    }
}
