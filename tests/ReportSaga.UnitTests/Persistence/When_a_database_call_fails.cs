using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>
/// Which failures the message retry waits out for minutes (the database is out of reach) and which it retries
/// quickly (a conflict): the classification behind MessageRetry.
/// </summary>
public sealed class When_a_database_call_fails
{
    public static TheoryData<string, Exception> OutOfReach => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "connection broken mid-read", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "timeout", new NpgsqlException("Timeout during reading attempt", new TimeoutException()) },
        { "server shutting down", Postgres(PostgresErrorCodes.AdminShutdown) },
        { "server starting up", Postgres(PostgresErrorCodes.CannotConnectNow) },
        { "no connection slot left", Postgres(PostgresErrorCodes.TooManyConnections) },
        { "connection failure", Postgres(PostgresErrorCodes.ConnectionFailure) },
        { "wrapped by EF Core", new DbUpdateException("An error occurred while saving", new NpgsqlException("Failed to connect", new SocketException())) },
    };

    public static TheoryData<string, Exception> NotAnOutage => new()
    {
        { "serialization failure", Postgres(PostgresErrorCodes.SerializationFailure) },
        { "deadlock", Postgres(PostgresErrorCodes.DeadlockDetected) },
        { "unique violation", Postgres(PostgresErrorCodes.UniqueViolation) },
        { "optimistic concurrency conflict", new DbUpdateConcurrencyException("conflict") },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
    };

    [Theory]
    [MemberData(nameof(OutOfReach))]
    public void An_unreachable_database_is_an_outage_to_wait_out(string what, Exception exception)
    {
        Assert.True(StorageErrors.IsUnavailable(exception), what);
    }

    [Theory]
    [MemberData(nameof(NotAnOutage))]
    public void A_conflict_or_a_bug_is_not_an_outage(string what, Exception exception)
    {
        Assert.False(StorageErrors.IsUnavailable(exception), what);
    }

    private static PostgresException Postgres(string sqlState) => new("test", "ERROR", "ERROR", sqlState);
}
