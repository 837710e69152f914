using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd.Limits;

/// <summary>Issue #12, item 1, with the service on PostgreSQL, whose column sizes are enforced: see <see cref="RequestLimitScenario"/>.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_requests_break_the_limits_on_PostgreSQL(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    /// <summary>Twelve 8 MiB requests at once, as in the issue; each is refused by size without being parsed.</summary>
    [Fact]
    public Task Each_breach_ends_as_invalid_naming_its_field_unreadable_ones_go_to_the_error_queue_and_good_requests_complete() =>
        RequestLimitScenario.RunAsync(infrastructure, output, sqlite: false, oversizedBurst: 12);
}

/// <summary>Issue #12, item 1, with the service on SQLite, which ignores column sizes: the same refusals all the same.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class When_requests_break_the_limits_on_SQLite(InfrastructureFixture infrastructure, ITestOutputHelper output)
    : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public Task Each_breach_ends_as_invalid_naming_its_field_unreadable_ones_go_to_the_error_queue_and_good_requests_complete() =>
        RequestLimitScenario.RunAsync(infrastructure, output, sqlite: true, oversizedBurst: 2);
}
