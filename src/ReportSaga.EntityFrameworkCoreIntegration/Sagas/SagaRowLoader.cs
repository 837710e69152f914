using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Mapping;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Sagas;

/// <summary>
/// Loads one saga instance for update. Inside a transaction on a database that locks rows the row is locked
/// (<see cref="IDatabaseDialect.ForUpdate"/>): concurrent messages for the same instance (the hot submission gate
/// above all) queue on the row instead of failing their optimistic check and retrying. Elsewhere (SQLite, one writer
/// at a time anyway) the outbox's scope holds an in-process lock on the instance instead.
/// The version check stays on as the safety net either way.
/// </summary>
internal static class SagaRowLoader<TSaga>
    where TSaga : class, ISaga
{
    private static readonly ConcurrentDictionary<Type, string> LockStatements = new();

    public static async Task<TSaga?> LoadAsync(DbContext context, IDatabaseDialect dialect, Guid correlationId, CancellationToken cancellationToken,
        IDbTransactionScope? scope = null)
    {
        if (scope is not null)
            await scope.HoldAsync($"saga:{typeof(TSaga).FullName}:{correlationId:N}", cancellationToken);

        if (dialect.LocksRows && context.Database.CurrentTransaction is not null)
        {
            var sql = LockStatements.GetOrAdd(context.GetType(), _ => BuildLockStatement(context, dialect));
            // Materialised as a list: composing LINQ over a locking statement would wrap it in a subquery.
            var rows = await context.Set<TSaga>().FromSqlRaw(sql, correlationId).AsTracking().ToListAsync(cancellationToken);
            return rows.SingleOrDefault();
        }

        return await context.Set<TSaga>().AsTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken);
    }

    private static string BuildLockStatement(DbContext context, IDatabaseDialect dialect)
    {
        var entity = context.Model.FindEntityType(typeof(TSaga))
            ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped in {context.GetType().Name}.");
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        var key = NamingConventions.ColumnOf(entity, nameof(ISaga.CorrelationId));
        return dialect.ForUpdate($"SELECT * FROM {table} WHERE \"{key}\" = {{0}}");
    }
}
