using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.EntityFrameworkCoreIntegration.Mapping;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence.Mapping;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.Persistence;

/// <summary>
/// ReportSaga's database: saga instances (<see cref="ReportState"/>), the submission gate's line
/// (<see cref="SubmissionSlot"/>), scheduled messages, the transactional outbox and inbox, and the submission ledger. Two derived contexts,
/// <see cref="PostgresReportSagaDbContext"/> and <see cref="SqliteReportSagaDbContext"/>, carry each provider's
/// migrations; code depends on this base type only.
/// </summary>
public abstract class ReportSagaDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    protected ReportSagaDbContext(DbContextOptions options)
        : base(options)
    {
        // EF wraps each SaveChanges inside an explicit transaction in a savepoint (two extra statements per save,
        // about 50 per report). Every transaction here is rolled back whole on any failure and the attempt retried,
        // so a savepoint to fall back to is never used.
        Database.AutoSavepointsEnabled = false;
    }

    /// <summary>What differs on the database this context talks to.</summary>
    public abstract IDatabaseDialect Dialect { get; }

    /// <summary>Report saga instances.</summary>
    public DbSet<ReportState> Reports => Set<ReportState>();

    /// <summary>The submission gate's line: one entry per validated, unfinished report.</summary>
    public DbSet<SubmissionSlot> SubmissionSlots => Set<SubmissionSlot>();

    /// <summary>What each granted report costs its requester's day (the daily budgets).</summary>
    public DbSet<CreditCharge> CreditCharges => Set<CreditCharge>();

    /// <summary>The account guard's last reading of the remaining credits (one row).</summary>
    public DbSet<AccountCreditsReading> AccountCredits => Set<AccountCreditsReading>();

    /// <summary>Messages waiting for their due time.</summary>
    public DbSet<ScheduledMessageRecord> ScheduledMessages => Set<ScheduledMessageRecord>();

    /// <summary>The inbox: which message each consumer endpoint has consumed and delivered.</summary>
    public DbSet<InboxState> InboxStates => Set<InboxState>();

    /// <summary>The outbox: messages stored with a consume transaction, waiting to be sent.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>The submission ledger.</summary>
    public DbSet<SubmissionRecord> SubmissionRecords => Set<SubmissionRecord>();

    /// <summary>Every report's history: transitions, provider statuses, calls and their outcomes.</summary>
    public DbSet<Reports.ReportHistoryRecord> ReportHistory => Set<Reports.ReportHistoryRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ReportStateMap.Map(modelBuilder);
        SubmissionSlotMap.Map(modelBuilder);
        SubmissionSlotMap.MapCharges(modelBuilder);
        modelBuilder.AddScheduledMessageEntity();
        modelBuilder.AddInboxStateEntity();
        modelBuilder.AddOutboxMessageEntity();
        SubmissionRecordMap.Map(modelBuilder);
        ReportHistoryMap.Map(modelBuilder);
        NamingConventions.UseSnakeCaseColumns(modelBuilder);
    }

    /// <summary>
    /// Hook for a derived context's provider-specific conventions: every DateTime read back as UTC, and with
    /// <paramref name="dateTimeOffsetsToUtc"/> every DateTimeOffset written as UTC (PostgreSQL's timestamptz takes no other offset).
    /// </summary>
    protected static void ApplyUtcConversions(ModelBuilder modelBuilder, bool dateTimeOffsetsToUtc)
    {
        var dateTime = new ValueConverter<DateTime, DateTime>(v => ToUtc(v), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var nullableDateTime = new ValueConverter<DateTime?, DateTime?>(
            v => v.HasValue ? ToUtc(v.Value) : v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
        var dateTimeOffset = new ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
        var nullableDateTimeOffset = new ValueConverter<DateTimeOffset?, DateTimeOffset?>(
            v => v.HasValue ? v.Value.ToUniversalTime() : v, v => v);

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
            {
                if (property.ClrType == typeof(DateTime))
                    property.SetValueConverter(dateTime);
                else if (property.ClrType == typeof(DateTime?))
                    property.SetValueConverter(nullableDateTime);
                else if (property.ClrType == typeof(DateTimeOffset) && dateTimeOffsetsToUtc)
                    property.SetValueConverter(dateTimeOffset);
                else if (property.ClrType == typeof(DateTimeOffset?) && dateTimeOffsetsToUtc)
                    property.SetValueConverter(nullableDateTimeOffset);
            }
    }

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
