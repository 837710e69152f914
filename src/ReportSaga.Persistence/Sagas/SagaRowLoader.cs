using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Mapping;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Sagas;

/// <summary>
/// Loads one saga instance for update. On PostgreSQL inside a transaction the row is locked
/// (<c>SELECT … FOR UPDATE</c>): concurrent messages for the same instance (the hot submission gate above all)
/// queue on the row instead of failing their optimistic check and retrying. SQLite has one writer at a time anyway.
/// The version check stays on as the safety net either way.
/// </summary>
internal static class SagaRowLoader<TSaga>
    where TSaga : class, ISaga
{
    private static readonly ConcurrentDictionary<Type, string> LockStatements = new();

    public static async Task<TSaga?> LoadAsync(ReportSagaDbContext context, Guid correlationId, CancellationToken cancellationToken,
        IDbTransactionScope? scope = null)
    {
        if (context.Provider == StorageProvider.Sqlite && scope is not null)
            await scope.HoldAsync($"saga:{typeof(TSaga).FullName}:{correlationId:N}", cancellationToken);

        if (context.Provider == StorageProvider.Postgres && context.Database.CurrentTransaction is not null)
        {
            var sql = LockStatements.GetOrAdd(context.GetType(), _ => BuildLockStatement(context));
            // Materialised as a list: composing LINQ over a locking statement would wrap it in a subquery.
            var rows = await context.Set<TSaga>().FromSqlRaw(sql, correlationId).AsTracking().ToListAsync(cancellationToken);
            return rows.SingleOrDefault();
        }

        return await context.Set<TSaga>().AsTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken);
    }

    private static string BuildLockStatement(ReportSagaDbContext context)
    {
        var entity = context.Model.FindEntityType(typeof(TSaga))
            ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped in {context.GetType().Name}.");
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        var key = NamingConventions.ColumnOf(entity, nameof(ISaga.CorrelationId));
        return $"SELECT * FROM {table} WHERE \"{key}\" = {{0}} FOR UPDATE";
    }
}
