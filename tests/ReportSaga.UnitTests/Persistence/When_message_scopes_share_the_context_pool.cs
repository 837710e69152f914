using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>
/// DbContexts are pooled. A message scope's context must go back to the pool once, when the scope ends: a context
/// handed back twice (the scope disposing it under two registrations) can go back while another scope has already
/// leased it again, and two consumes then share one connection and transaction (a consume that hangs, or one
/// report's writes committed with another's). The race is narrow, so many scopes run at once.
/// </summary>
public sealed class When_message_scopes_share_the_context_pool
{
    [Fact]
    public async Task No_context_is_ever_leased_to_two_live_scopes()
    {
        var settings = StorageSettings.ForSqliteFile(Path.Combine(Path.GetTempPath(), $"reportsaga-pool-{Guid.NewGuid():N}.db"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReportSagaPersistence(settings);
        await using var provider = services.BuildServiceProvider();

        var inUse = new ConcurrentDictionary<object, int>(ReferenceEqualityComparer.Instance);
        var shared = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            await using var scope = provider.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            if (!inUse.TryAdd(context, i))
                Interlocked.Increment(ref shared);
            await Task.Yield();
            inUse.TryRemove(context, out _);
        });

        Assert.Equal(0, shared);
    }
}
