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
        // Nullable: MassTransit inserts a new instance before its first transition.
        report.Property(x => x.CurrentState).HasMaxLength(64).IsRequired(false);
        report.Property(x => x.Version).IsConcurrencyToken();
        report.Property(x => x.Report).IsRequired();
        report.Property(x => x.RequestedBy).HasMaxLength(256);
        report.Property(x => x.ReportId).HasMaxLength(128);
        report.Property(x => x.ProviderStatus).HasMaxLength(64);
        report.Property(x => x.FailureReason).HasMaxLength(128);
        report.Property(x => x.TraceParent).HasMaxLength(128);
        report.HasIndex(x => x.CurrentState);
        report.HasIndex(x => x.ReportId);
    }
}
