using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The durable submission ledger on SQLite: the same answers as the in-memory one, and they survive a restart.</summary>
public sealed class When_submissions_are_recorded_in_sqlite : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _provider = Build();
        await ReportSagaDatabase.MigrateAsync(_provider);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        _storage.Dispose();
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReportSagaPersistence(_storage.Settings);
        return services.BuildServiceProvider();
    }

    private ISubmissionLedger Ledger => _provider.GetRequiredService<ISubmissionLedger>();

    [Fact]
    public void The_service_ledger_is_the_database_one() => Assert.IsType<EfSubmissionLedger>(Ledger);

    [Fact]
    public async Task The_first_claim_may_submit_and_a_second_is_uncertain()
    {
        var id = Guid.NewGuid();

        Assert.Equal(SubmissionClaimStatus.Claimed, (await Ledger.ClaimAsync(id)).Status);
        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger.ClaimAsync(id)).Status);
    }

    [Fact]
    public async Task A_released_claim_may_be_claimed_again()
    {
        var id = Guid.NewGuid();
        await Ledger.ClaimAsync(id);
        await Ledger.ReleaseAsync(id);

        Assert.Equal(SubmissionClaimStatus.Claimed, (await Ledger.ClaimAsync(id)).Status);
        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger.ClaimAsync(id)).Status);
    }

    [Fact]
    public async Task A_submitted_report_answers_with_its_report_id()
    {
        var id = Guid.NewGuid();
        await Ledger.ClaimAsync(id);
        await Ledger.RecordSubmittedAsync(id, "rep-123");

        Assert.Equal(new SubmissionClaim(SubmissionClaimStatus.AlreadySubmitted, "rep-123"), await Ledger.ClaimAsync(id));
    }

    [Fact]
    public async Task An_unresolved_claim_says_when_it_was_taken_and_an_unknown_outcome_does_not()
    {
        var id = Guid.NewGuid();
        var before = DateTime.UtcNow.AddSeconds(-1);
        await Ledger.ClaimAsync(id);

        var unresolved = await Ledger.ClaimAsync(id);
        await Ledger.RecordUncertainAsync(id);
        var unknown = await Ledger.ClaimAsync(id);

        Assert.Equal(SubmissionClaimStatus.Uncertain, unresolved.Status);
        Assert.InRange(unresolved.UnresolvedSince!.Value, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(new SubmissionClaim(SubmissionClaimStatus.Uncertain), unknown);
    }

    [Fact]
    public async Task An_uncertain_outcome_stays_uncertain_for_good()
    {
        var id = Guid.NewGuid();
        await Ledger.ClaimAsync(id);
        await Ledger.RecordUncertainAsync(id);

        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger.ClaimAsync(id)).Status);
        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger.ClaimAsync(id)).Status);
    }

    [Fact]
    public async Task A_claim_survives_a_restart_of_the_service()
    {
        var id = Guid.NewGuid();
        await Ledger.ClaimAsync(id);

        await using var restarted = Build();
        var claim = await restarted.GetRequiredService<ISubmissionLedger>().ClaimAsync(id);

        Assert.Equal(SubmissionClaimStatus.Uncertain, claim.Status);
    }

    [Fact]
    public async Task Concurrent_claims_let_exactly_one_submit()
    {
        var id = Guid.NewGuid();
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Ledger.ClaimAsync(id))));

        Assert.Single(claims, c => c.Status == SubmissionClaimStatus.Claimed);
        Assert.All(claims.Where(c => c.Status != SubmissionClaimStatus.Claimed), c => Assert.Equal(SubmissionClaimStatus.Uncertain, c.Status));
    }
}
