using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;

namespace ReportSaga.EntityFrameworkCoreIntegration.Mapping;

internal static class ScheduledMessageMap
{
    public const string Table = "scheduled_message";

    /// <summary>Rows the dispatcher may still send (the same SQL on PostgreSQL and SQLite).</summary>
    public const string ToSendFilter = "NOT cancelled AND parked_at IS NULL";

    public static void Map(ModelBuilder modelBuilder)
    {
        var message = modelBuilder.Entity<ScheduledMessageRecord>();
        message.ToTable(Table);
        message.HasKey(x => x.TokenId);
        message.Property(x => x.TokenId).ValueGeneratedNever();
        message.Property(x => x.Destination).HasMaxLength(1024).IsRequired();
        message.Property(x => x.ContentType).HasMaxLength(256).IsRequired();
        message.Property(x => x.MessageType).IsRequired();
        message.Property(x => x.Body).IsRequired();
        message.Property(x => x.TraceParent).HasMaxLength(256);
        message.Property(x => x.SourceAddress).HasMaxLength(1024);
        message.Property(x => x.ResponseAddress).HasMaxLength(1024);
        message.Property(x => x.FaultAddress).HasMaxLength(1024);
        message.Property(x => x.LastError).HasMaxLength(SendRetryPolicy.MaxErrorLength);
        message.HasIndex(x => x.DueTime);
        // The dispatcher's queries (due rows, and when the next one is due) read only rows still to be sent, in the
        // order they are to be tried: cancellations and parked rows are left out of the index altogether.
        message.HasIndex(x => x.NextAttemptAt).HasDatabaseName("IX_scheduled_message_to_send").HasFilter(ToSendFilter);
        message.HasIndex(x => x.ParkedAt).HasDatabaseName("IX_scheduled_message_parked").HasFilter("parked_at IS NOT NULL");
    }
}
