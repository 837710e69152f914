using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReportSaga.BatchApi;
using ReportSaga.Simulator;

namespace ReportSaga.UnitTests.BatchApi;

public sealed class When_registering_the_client
{
    [Fact]
    public async Task Options_are_bound_from_the_BatchApi_section()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { ApiKeys = "configured-key", InitialCredits = 77 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BatchApi:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["BatchApi:ApiKey"] = "configured-key",
            ["BatchApi:AttemptTimeout"] = "00:00:02",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddBatchApiClient(configuration);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<BatchApiOptions>>().Value;
        var credits = await provider.GetRequiredService<IBatchApiClient>().GetRemainingCreditsAsync();

        Assert.Equal(TimeSpan.FromSeconds(2), options.AttemptTimeout);
        Assert.Equal("/batch/v4/request-validate", options.ValidatePath);
        Assert.Equal(77, credits.Value!.RemainingCredits);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_naming_the_setting_but_not_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBatchApiClient(o =>
        {
            o.BaseUrl = new Uri("https://api.similarweb.com");
            o.ApiKey = "secret-value-1";
            o.StatusPath = "/v3/batch/request-status";
            o.AttemptTimeout = TimeSpan.Zero;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("BatchApi:StatusPath must contain the placeholder {report_id}", error.Message);
        Assert.Contains("BatchApi:AttemptTimeout must be positive", error.Message);
        Assert.DoesNotContain("secret-value-1", error.Message);
    }

    [Fact]
    public void A_base_url_without_a_key_is_refused()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBatchApiClient(o => o.BaseUrl = new Uri("https://api.similarweb.com"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BatchApiOptions>>().Value);

        Assert.Contains("BatchApi:ApiKey is required", error.Message);
    }

    [Fact]
    public async Task Registering_twice_keeps_one_pipeline_and_applies_both_option_sources()
    {
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions());
        var services = new ServiceCollection().AddLogging();
        services.AddBatchApiClient(o => o.BaseUrl = simulator.BaseAddress);
        services.AddBatchApiClient(o => o.ApiKey = "demo-key");
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IBatchApiClient>().GetStatusAsync("unknown");

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(1, simulator.State.CallCount(SimulatorEndpoint.Status));
    }
}
