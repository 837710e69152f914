namespace ReportSaga.Persistence.Storage;

/// <summary>Which database holds ReportSaga's state.</summary>
public enum StorageProvider
{
    /// <summary>A local SQLite file: the embedded default for one instance.</summary>
    Sqlite,

    /// <summary>PostgreSQL: production, several instances.</summary>
    Postgres,
}
