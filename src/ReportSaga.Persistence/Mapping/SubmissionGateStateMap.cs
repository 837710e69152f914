using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Persistence.Mapping;

internal static class SubmissionGateStateMap
{
    public static void Map(ModelBuilder modelBuilder)
    {
        var gate = modelBuilder.Entity<SubmissionGateState>();
        gate.ToTable("submission_gate_state");
        gate.HasKey(x => x.CorrelationId);
        gate.Property(x => x.CorrelationId).ValueGeneratedNever();
        gate.Property(x => x.CurrentState).HasMaxLength(64).IsRequired(false);
        gate.Property(x => x.Version).IsConcurrencyToken();
        // JSON text on both providers: the same shape in PostgreSQL and SQLite, readable with plain SQL.
        gate.Property(x => x.Holders).HasConversion(GuidListAsJson, GuidListComparer).HasColumnType("text").IsRequired();
        gate.Property(x => x.Waiting).HasConversion(GuidListAsJson, GuidListComparer).HasColumnType("text").IsRequired();
    }

    private static readonly ValueConverter<List<Guid>, string> GuidListAsJson = new(
        list => JsonSerializer.Serialize(list, (JsonSerializerOptions?)null),
        text => JsonSerializer.Deserialize<List<Guid>>(text, (JsonSerializerOptions?)null) ?? new List<Guid>());

    // Lists are mutated in place by the state machine: compare by content, snapshot by copy.
    private static readonly ValueComparer<List<Guid>> GuidListComparer = new(
        (left, right) => left!.SequenceEqual(right!),
        list => list.Aggregate(17, (hash, id) => HashCode.Combine(hash, id)),
        list => list.ToList());
}
