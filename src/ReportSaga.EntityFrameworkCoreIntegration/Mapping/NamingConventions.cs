using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReportSaga.EntityFrameworkCoreIntegration.Mapping;

/// <summary>snake_case column names on both providers, so the few hand-written SQL statements (row locks) are shared.</summary>
public static class NamingConventions
{
    /// <summary>Names every column of the model snake_case.</summary>
    public static void UseSnakeCaseColumns(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
            UseSnakeCaseColumns(entity);
    }

    /// <summary>Names every column of one entity snake_case.</summary>
    public static void UseSnakeCaseColumns(IMutableEntityType entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach (var property in entity.GetProperties())
            property.SetColumnName(ToSnakeCase(property.Name));
    }

    /// <summary>The column <paramref name="propertyName"/> of <paramref name="entity"/> is stored in.</summary>
    public static string ColumnOf(IEntityType entity, string propertyName)
    {
        var property = entity.FindProperty(propertyName)
            ?? throw new InvalidOperationException($"{entity.DisplayName()} has no property {propertyName}.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return property.GetColumnName(table)!;
    }

    /// <summary><c>CorrelationId</c> → <c>correlation_id</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
                builder.Append(c);
        }
        return builder.ToString();
    }
}
