using System.Data.Common;

namespace ReportSaga.EntityFrameworkCoreIntegration.Outbox;

/// <summary>Reads an <see cref="InboxState"/> from a hand-written statement's result (the columns of <see cref="Columns"/>, in order).</summary>
internal static class InboxRowReader
{
    public const string Columns =
        "id, message_id, consumer_id, lock_id, received, receive_count, expiration_time, consumed, delivered, " +
        "last_sequence_number, failed_deliveries, next_delivery_at, parked, last_delivery_error";

    public static InboxState Read(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        MessageId = reader.GetGuid(1),
        ConsumerId = reader.GetGuid(2),
        LockId = reader.GetGuid(3),
        Received = Utc(reader.GetDateTime(4)),
        ReceiveCount = reader.GetInt32(5),
        ExpirationTime = NullableUtc(reader, 6),
        Consumed = NullableUtc(reader, 7),
        Delivered = NullableUtc(reader, 8),
        LastSequenceNumber = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        FailedDeliveries = reader.GetInt32(10),
        NextDeliveryAt = NullableUtc(reader, 11),
        Parked = NullableUtc(reader, 12),
        LastDeliveryError = reader.IsDBNull(13) ? null : reader.GetString(13),
    };

    private static DateTime? NullableUtc(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Utc(reader.GetDateTime(ordinal));

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
