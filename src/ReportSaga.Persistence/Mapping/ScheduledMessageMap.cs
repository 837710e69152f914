using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Scheduling;

namespace ReportSaga.Persistence.Mapping;

internal static class ScheduledMessageMap
{
    public const string Table = "scheduled_message";

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
        message.HasIndex(x => x.DueTime);
    }
}
