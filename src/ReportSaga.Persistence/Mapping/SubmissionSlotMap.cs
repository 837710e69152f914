using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.Persistence.Mapping;

internal static class SubmissionSlotMap
{
    public static void Map(ModelBuilder modelBuilder)
    {
        var slot = modelBuilder.Entity<SubmissionSlot>();
        slot.ToTable("submission_slot");
        slot.HasKey(x => x.RequestId);
        slot.Property(x => x.RequestId).ValueGeneratedNever();
        slot.Property(x => x.TraceParent).HasMaxLength(128);
        // Partial indexes keep each gate step independent of the length of the line: the next in line is the first
        // entry of the waiting index, and the slots taken are counted over the granted index (at most MaxInFlight rows).
        slot.HasIndex(x => new { x.QueuedAt, x.RequestId }).HasDatabaseName("ix_submission_slot_waiting").HasFilter("granted_at IS NULL");
        slot.HasIndex(x => x.GrantedAt).HasDatabaseName("ix_submission_slot_granted").HasFilter("granted_at IS NOT NULL");
    }
}
