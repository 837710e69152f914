using Microsoft.Extensions.Configuration;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.UnitTests.Persistence;

public sealed class When_storage_is_configured
{
    [Fact]
    public void A_postgres_connection_string_is_described_without_its_password()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = "Host=db.internal;Port=5433;Database=reports;Username=svc;Password=s3cret",
            })
            .Build();

        var settings = StorageSettings.FromConfiguration(configuration);

        Assert.Equal(StorageProvider.Postgres, settings.Provider);
        Assert.Equal("postgres://db.internal:5433/reports", settings.Description);
        Assert.DoesNotContain("s3cret", settings.Description);
    }

    [Fact]
    public void Without_postgres_a_sqlite_file_in_the_content_root_is_used()
    {
        var root = Path.Combine(Path.GetTempPath(), "reportsaga-root");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["contentRoot"] = root })
            .Build();

        var settings = StorageSettings.FromConfiguration(configuration);

        Assert.Equal(StorageProvider.Sqlite, settings.Provider);
        Assert.Equal("sqlite://" + Path.Combine(root, "reportsaga.db"), settings.Description);
    }

    [Fact]
    public void A_postgres_connection_string_gets_the_services_defaults()
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(
            DbContextOptionsConfiguration.WithServiceDefaults("Host=db.internal;Database=reports;Username=svc;Password=s3cret"));

        Assert.True(connection.NoResetOnClose);
        Assert.Equal(64, connection.MaxAutoPrepare);
        Assert.Equal("s3cret", connection.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void An_operators_own_pooling_and_preparing_settings_are_kept(string connectionString)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(DbContextOptionsConfiguration.WithServiceDefaults(connectionString));

        Assert.False(connection.NoResetOnClose);
        Assert.Equal(0, connection.MaxAutoPrepare);
    }
}
