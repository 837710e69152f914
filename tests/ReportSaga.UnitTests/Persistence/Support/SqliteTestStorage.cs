using Microsoft.Data.Sqlite;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.UnitTests.Persistence.Support;

/// <summary>A real SQLite database file of the test's own, deleted afterwards.</summary>
internal sealed class SqliteTestStorage : IDisposable
{
    private SqliteTestStorage(string path)
    {
        Path = path;
        Settings = StorageSettings.ForSqliteFile(path);
    }

    public string Path { get; }

    public StorageSettings Settings { get; }

    public static SqliteTestStorage Create()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reportsaga-tests");
        Directory.CreateDirectory(directory);
        return new SqliteTestStorage(System.IO.Path.Combine(directory, $"{Guid.NewGuid():N}.db"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
                // A file still open elsewhere in the process: the temp folder is cleaned by the OS.
            }
        }
    }
}
