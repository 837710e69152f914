using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Persistence.Mapping;

internal static class ReportStateMap
{
    public static void Map(ModelBuilder modelBuilder)
    {
        var report = modelBuilder.Entity<ReportState>();
        report.ToTable("report_state");
        report.HasKey(x => x.CorrelationId);
        report.Property(x => x.CorrelationId).ValueGeneratedNever();
        // Sizes from ReportStateColumns, which the request checks share.
        // Nullable: MassTransit inserts a new instance before its first transition.
        report.Property(x => x.CurrentState).HasMaxLength(ReportStateColumns.CurrentStateMaxLength).IsRequired(false);
        report.Property(x => x.Version).IsConcurrencyToken();
        report.Property(x => x.Report).IsRequired();
        report.Property(x => x.RequestedBy).HasMaxLength(ReportStateColumns.RequestedByMaxLength);
        report.Property(x => x.ReportId).HasMaxLength(ReportStateColumns.ReportIdMaxLength);
        report.Property(x => x.ProviderStatus).HasMaxLength(ReportStateColumns.ProviderStatusMaxLength);
        report.Property(x => x.FailureReason).HasMaxLength(ReportStateColumns.FailureReasonMaxLength);
        report.Property(x => x.TraceParent).HasMaxLength(ReportStateColumns.TraceParentMaxLength);
        report.Property(x => x.Priority).HasMaxLength(ReportStateColumns.PriorityMaxLength);
        report.HasIndex(x => x.CurrentState);
        report.HasIndex(x => x.ReportId);
        // The operator list pages through reports newest first (keyset on created_at, then the id).
        report.HasIndex(x => new { x.CreatedAt, x.CorrelationId });
    }
}
