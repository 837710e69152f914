using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;

namespace ReportSaga.EntityFrameworkCoreIntegration.Mapping;

/// <summary>
/// Maps the stand-ins' tables into the application's model, from its <c>OnModelCreating</c> (as MassTransit's
/// <c>modelBuilder.AddInboxStateEntity()</c> and <c>AddOutboxMessageEntity()</c> do). Their columns are snake_case,
/// which the stand-ins' hand-written statements rely on.
/// </summary>
public static class ModelBuilderExtensions
{
    /// <summary>The inbox: <see cref="InboxState"/> in <c>inbox_state</c>.</summary>
    public static ModelBuilder AddInboxStateEntity(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        InboxStateMap.Map(modelBuilder);
        NamingConventions.UseSnakeCaseColumns(modelBuilder.Entity<InboxState>().Metadata);
        return modelBuilder;
    }

    /// <summary>The outbox: <see cref="OutboxMessage"/> in <c>outbox_message</c>.</summary>
    public static ModelBuilder AddOutboxMessageEntity(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        OutboxMessageMap.Map(modelBuilder);
        NamingConventions.UseSnakeCaseColumns(modelBuilder.Entity<OutboxMessage>().Metadata);
        return modelBuilder;
    }

    /// <summary>The durable scheduler's messages: <see cref="ScheduledMessageRecord"/> in <c>scheduled_message</c>.</summary>
    public static ModelBuilder AddScheduledMessageEntity(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ScheduledMessageMap.Map(modelBuilder);
        NamingConventions.UseSnakeCaseColumns(modelBuilder.Entity<ScheduledMessageRecord>().Metadata);
        return modelBuilder;
    }
}
