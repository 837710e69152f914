using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Reports.History;
using ReportSaga.Persistence.Reports;

namespace ReportSaga.Persistence.Mapping;

internal static class ReportHistoryMap
{
    public static void Map(ModelBuilder modelBuilder)
    {
        var entry = modelBuilder.Entity<ReportHistoryRecord>();
        entry.ToTable("report_history");
        entry.HasKey(x => x.Id);
        entry.Property(x => x.Id).ValueGeneratedOnAdd();
        entry.Property(x => x.Event).HasMaxLength(64).IsRequired();
        entry.Property(x => x.FromState).HasMaxLength(ReportStateColumns.CurrentStateMaxLength);
        entry.Property(x => x.ToState).HasMaxLength(ReportStateColumns.CurrentStateMaxLength).IsRequired();
        entry.Property(x => x.ProviderStatus).HasMaxLength(ReportStateColumns.ProviderStatusMaxLength);
        entry.Property(x => x.Call).HasMaxLength(32);
        entry.Property(x => x.Outcome).HasMaxLength(ReportHistoryEntry.OutcomeMaxLength).IsRequired();
        // No foreign key: the row is written in the saga's transaction anyway, and a key would make every entry lock
        // the report's row once more. The retention pass deletes a report's entries with it.
        entry.HasIndex(x => new { x.RequestId, x.Id });
    }
}
