using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Sagas;

/// <summary>
/// MassTransit's saga repository on the application's DbContext for any saga class mapped there. Resolved per
/// message scope. Inside the outbox's transaction it shares the outbox's DbContext and opens no transaction of its
/// own; otherwise each message runs in one short transaction. Conflicts surface as exceptions for the endpoint's
/// message retry, which the application configures (the service's: <c>UseReportSagaMessageRetry</c>).
/// </summary>
/// <typeparam name="TSaga">The saga instance type.</typeparam>
public sealed class EfSagaRepositoryContextFactory<TSaga> :
    ISagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    private readonly DbContext _dbContext;
    private readonly IDatabaseDialect _dialect;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> _consumeContextFactory;

    /// <summary>Creates the factory for one message scope.</summary>
    public EfSagaRepositoryContextFactory(IMessagingDbContextFactory contexts, IServiceProvider scope,
        ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var dbContext = contexts.ScopedDbContext(scope);
        _dbContext = dbContext;
        _dialect = contexts.Dialect;
        _consumeContextFactory = consumeContextFactory;
        if (dbContext.Model.FindEntityType(typeof(TSaga)) is null)
            throw new InvalidOperationException($"The saga {typeof(TSaga).Name} is not mapped in {dbContext.GetType().Name}.");
    }

    /// <inheritdoc />
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        if (context.TryGetPayload(out IDbTransactionScope? scope))
        {
            using var shared = new EfSagaRepositoryContext<TSaga, T>(scope.DbContext, _dialect, context, _consumeContextFactory, scope);
            await next.Send(shared);
            return;
        }

        await TransactionRunner.RunAsync(_dbContext, _dialect, async () =>
        {
            using var own = new EfSagaRepositoryContext<TSaga, T>(_dbContext, _dialect, context, _consumeContextFactory);
            await next.Send(own);
        }, context.CancellationToken);
    }

    /// <inheritdoc />
    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        async Task Run(DbContext dbContext, IDbTransactionScope? transactionScope)
        {
            // Find the ids first, then lock each row: a lock over the whole filter would lock more than it matches.
            var ids = await dbContext.Set<TSaga>().AsNoTracking().Where(query.FilterExpression)
                .Select(x => x.CorrelationId).ToListAsync(context.CancellationToken);

            var instances = new List<TSaga>(ids.Count);
            foreach (var id in ids)
                if (await SagaRowLoader<TSaga>.LoadAsync(dbContext, _dialect, id, context.CancellationToken, transactionScope) is { } instance)
                    instances.Add(instance);

            using var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(dbContext, _dialect, context, _consumeContextFactory, transactionScope);
            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        }

        if (context.TryGetPayload(out IDbTransactionScope? scope))
            await Run(scope.DbContext, scope);
        else
            await TransactionRunner.RunAsync(_dbContext, _dialect, () => Run(_dbContext, null), context.CancellationToken);
    }

    /// <inheritdoc />
    public Task<TResult> Execute<TResult>(Func<LoadSagaRepositoryContext<TSaga>, Task<TResult>> asyncMethod, CancellationToken cancellationToken = default)
        where TResult : class =>
        asyncMethod(new EfSagaQueryContext<TSaga>(_dbContext, cancellationToken));

    /// <inheritdoc />
    public Task<TResult> Execute<TResult>(Func<QuerySagaRepositoryContext<TSaga>, Task<TResult>> asyncMethod, CancellationToken cancellationToken = default)
        where TResult : class =>
        asyncMethod(new EfSagaQueryContext<TSaga>(_dbContext, cancellationToken));

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "entity-framework-core");
        context.Add("provider", _dialect.Name);
    }
}
