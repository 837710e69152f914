using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Outbox;

namespace ReportSaga.Persistence.Mapping;

internal static class InboxStateMap
{
    public const string Table = "inbox_state";

    public static void Map(ModelBuilder modelBuilder)
    {
        var inbox = modelBuilder.Entity<InboxState>();
        inbox.ToTable(Table);
        inbox.HasKey(x => x.Id);
        inbox.Property(x => x.Id).ValueGeneratedOnAdd();
        // The unique key is what makes two concurrent first deliveries collide instead of both consuming.
        inbox.HasIndex(x => new { x.MessageId, x.ConsumerId }).IsUnique();
        inbox.HasIndex(x => x.Delivered);
        inbox.HasIndex(x => x.Consumed);
    }
}
