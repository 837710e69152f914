using Microsoft.EntityFrameworkCore;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.Persistence.Mapping;

internal static class SubmissionRecordMap
{
    public static void Map(ModelBuilder modelBuilder)
    {
        var record = modelBuilder.Entity<SubmissionRecord>();
        record.ToTable("submission_ledger");
        record.HasKey(x => x.RequestId);
        record.Property(x => x.RequestId).ValueGeneratedNever();
        record.Property(x => x.State).HasConversion<string>().HasMaxLength(32).IsRequired();
        record.Property(x => x.ReportId).HasMaxLength(128);
    }
}
