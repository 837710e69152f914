using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Sagas;

/// <summary>The per-message saga repository context: load (locked), insert, save, update, delete through one DbContext.</summary>
internal sealed class EfSagaRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>,
    SagaRepositoryContext<TSaga, TMessage>,
    IDisposable
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly DbContext _dbContext;
    private readonly IDatabaseDialect _dialect;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> _factory;
    private readonly IDbTransactionScope? _scope;

    // The state machine may save from several activities; EF contexts are not thread-safe.
    private readonly SemaphoreSlim _inUse = new(1);

    public EfSagaRepositoryContext(DbContext dbContext, IDatabaseDialect dialect, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<DbContext, TSaga> factory, IDbTransactionScope? scope = null)
        : base(consumeContext, dbContext)
    {
        _scope = scope;
        _dbContext = dbContext;
        _dialect = dialect;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public void Dispose() => _inUse.Dispose();

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_dbContext, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (_scope is not null)
            await _scope.HoldAsync($"saga:{typeof(TSaga).FullName}:{instance.CorrelationId:N}", CancellationToken);

        var entry = _dbContext.Set<TSaga>().Add(instance);
        try
        {
            // Inside a transaction EF saves behind a savepoint, so a duplicate key leaves the transaction usable
            // (PostgreSQL would otherwise abort it) and the caller goes on to load the other writer's row.
            await _dbContext.SaveChangesAsync(CancellationToken);
            return await _factory.CreateSagaConsumeContext(_dbContext, _consumeContext, instance, SagaConsumeContextMode.Insert);
        }
        catch (DbUpdateException exception) when (StorageErrors.IsUniqueViolation(exception))
        {
            entry.State = EntityState.Detached;
            return default!;
        }
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await SagaRowLoader<TSaga>.LoadAsync(_dbContext, _dialect, correlationId, CancellationToken, _scope);
        return instance is null
            ? default!
            : await _factory.CreateSagaConsumeContext(_dbContext, _consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context) => Exclusive(context, async () =>
    {
        _dbContext.Set<TSaga>().Add(context.Saga);
        await _dbContext.SaveChangesAsync(CancellationToken);
    });

    public Task Update(SagaConsumeContext<TSaga> context) => Exclusive(context, () => _dbContext.SaveChangesAsync(CancellationToken));

    public Task Delete(SagaConsumeContext<TSaga> context) => Exclusive(context, async () =>
    {
        _dbContext.Set<TSaga>().Remove(context.Saga);
        await _dbContext.SaveChangesAsync(CancellationToken);
    });

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Exclusive(context, () =>
    {
        var entry = _dbContext.ChangeTracker.Entries<TSaga>().FirstOrDefault(x => x.Entity.CorrelationId == context.Saga.CorrelationId);
        if (entry is not null)
        {
            // Back to what was loaded: marking it Unchanged alone would let DetectChanges find the edits again.
            entry.CurrentValues.SetValues(entry.OriginalValues);
            entry.State = EntityState.Unchanged;
        }
        return Task.CompletedTask;
    });

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_dbContext, consumeContext, instance, mode);

    private async Task Exclusive(SagaConsumeContext<TSaga> context, Func<Task> work)
    {
        await _inUse.WaitAsync(context.CancellationToken);
        try
        {
            await work();
        }
        finally
        {
            _inUse.Release();
        }
    }

    private new CancellationToken CancellationToken => _consumeContext.CancellationToken;
}
