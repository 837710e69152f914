using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;

namespace ReportSaga.EntityFrameworkCoreIntegration.Mapping;

internal static class OutboxMessageMap
{
    public const string Table = "outbox_message";

    public static void Map(ModelBuilder modelBuilder)
    {
        var message = modelBuilder.Entity<OutboxMessage>();
        message.ToTable(Table);
        message.HasKey(x => x.SequenceNumber);
        message.Property(x => x.SequenceNumber).ValueGeneratedOnAdd();
        message.Property(x => x.ContentType).HasMaxLength(256).IsRequired();
        message.Property(x => x.MessageType).IsRequired();
        message.Property(x => x.Body).IsRequired();
        message.Property(x => x.SourceAddress).HasMaxLength(1024);
        message.Property(x => x.DestinationAddress).HasMaxLength(1024);
        message.Property(x => x.ResponseAddress).HasMaxLength(1024);
        message.Property(x => x.FaultAddress).HasMaxLength(1024);
        message.HasIndex(x => new { x.InboxMessageId, x.InboxConsumerId, x.SequenceNumber }).IsUnique();
    }
}
