using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Mapping;

internal static class InboxStateMap
{
    public const string Table = "inbox_state";

    /// <summary>Consumed rows whose outbox may still be delivered (the same SQL on PostgreSQL and SQLite).</summary>
    public const string ToDeliverFilter = "consumed IS NOT NULL AND delivered IS NULL AND parked IS NULL";

    public static void Map(ModelBuilder modelBuilder)
    {
        var inbox = modelBuilder.Entity<InboxState>();
        inbox.ToTable(Table);
        inbox.HasKey(x => x.Id);
        inbox.Property(x => x.Id).ValueGeneratedOnAdd();
        // The unique key is what makes two concurrent first deliveries collide instead of both consuming.
        inbox.HasIndex(x => new { x.MessageId, x.ConsumerId }).IsUnique();
        inbox.Property(x => x.LastDeliveryError).HasMaxLength(SendRetryPolicy.MaxErrorLength);
        inbox.HasIndex(x => x.Delivered);
        // The delivery sweep reads only consumed rows still to deliver, oldest first; delivered rows (most of the
        // table until the cleanup) and parked ones are left out of the index.
        inbox.HasIndex(x => x.Consumed).HasDatabaseName("IX_inbox_state_to_deliver").HasFilter(ToDeliverFilter);
        inbox.HasIndex(x => x.Parked).HasDatabaseName("IX_inbox_state_parked").HasFilter("parked IS NOT NULL");
    }
}
