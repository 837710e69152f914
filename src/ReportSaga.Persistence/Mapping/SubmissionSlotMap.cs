using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Reports;
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
        slot.Property(x => x.RequestedBy).HasMaxLength(ReportStateColumns.RequestedByMaxLength).IsRequired();
        slot.Property(x => x.Refusal).HasMaxLength(1024);
        // Partial indexes keep each gate step independent of the length of the line: each requester's next in line
        // (per priority) is the first entry of its part of the waiting index, the requesters are found by skipping
        // through it, and the slots taken are counted over the granted index (at most MaxInFlight rows).
        slot.HasIndex(x => new { x.Priority, x.RequestedBy, x.QueuedAt, x.RequestId }).HasDatabaseName("ix_submission_slot_waiting").HasFilter("granted_at IS NULL");
        slot.HasIndex(x => x.GrantedAt).HasDatabaseName("ix_submission_slot_granted").HasFilter("granted_at IS NOT NULL");
    
    }

    public static void MapCharges(ModelBuilder modelBuilder)
    {
        var charge = modelBuilder.Entity<CreditCharge>();
        charge.ToTable("credit_charge");
        charge.HasKey(x => x.RequestId);
        charge.Property(x => x.RequestId).ValueGeneratedNever();
        charge.Property(x => x.RequestedBy).HasMaxLength(ReportStateColumns.RequestedByMaxLength).IsRequired();
        // A day's spend per requester, summed over this index.
        charge.HasIndex(x => new { x.Day, x.RequestedBy }).HasDatabaseName("ix_credit_charge_day");

        var reading = modelBuilder.Entity<AccountCreditsReading>();
        reading.ToTable("account_credits");
        reading.HasKey(x => x.Id);
        reading.Property(x => x.Id).ValueGeneratedNever();
    }
}
