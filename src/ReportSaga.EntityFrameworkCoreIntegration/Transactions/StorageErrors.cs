using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ReportSaga.EntityFrameworkCoreIntegration.Transactions;

/// <summary>Classifies database exceptions so retries handle conflicts and transient faults, and nothing else.</summary>
public static class StorageErrors
{
    /// <summary>A unique key was violated (two writers inserted the same key).</summary>
    public static bool IsUniqueViolation(Exception exception) => Walk(exception).Any(e => e switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    });

    /// <summary>
    /// Worth running the whole message attempt again: an optimistic concurrency conflict, a duplicate insert (the
    /// next attempt loads what the other writer inserted), a PostgreSQL serialization failure or deadlock, a busy
    /// SQLite file, or a transient connection fault.
    /// </summary>
    public static bool IsRetryable(Exception exception) => Walk(exception).Any(e => e switch
    {
        DbUpdateConcurrencyException => true,
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.UniqueViolation
            or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.LockNotAvailable
            || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 // SQLITE_BUSY, SQLITE_LOCKED
            || (sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555),
        _ => false,
    });

    /// <summary>
    /// The database cannot be reached or takes no work right now: the server is restarting or failing over, the
    /// network between is down, or it has no connection slot left. Worth waiting for, for minutes rather than
    /// seconds. A conflict (serialization failure, deadlock) is not this, though Npgsql calls both transient.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => Walk(exception).Any(e => e switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown
                or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        // Without a server error: the connection could not be opened, or broke (Npgsql marks I/O and timeouts transient).
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    });

    private static IEnumerable<Exception> Walk(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions)
                    foreach (var nested in Walk(inner))
                        yield return nested;
        }
    }
}
