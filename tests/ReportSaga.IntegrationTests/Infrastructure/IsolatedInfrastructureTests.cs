using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ReportSaga.IntegrationTests.Infrastructure;

/// <summary>What every integration test relies on: its servers are real, its own, and cleaned up.</summary>
public sealed class An_isolated_test_infrastructure(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Gives_the_class_an_empty_database_of_its_own()
    {
        await using var connection = new NpgsqlConnection(infrastructure.PostgresConnectionString);
        await connection.OpenAsync();

        Assert.Equal(infrastructure.DatabaseName, connection.Database);
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Gives_the_class_a_virtual_host_of_its_own()
    {
        await using var connection = await new ConnectionFactory { Uri = infrastructure.RabbitMqUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();

        Assert.Equal("/" + infrastructure.VirtualHost, infrastructure.RabbitMqUri.AbsolutePath);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        Assert.StartsWith("amq.gen-", queue.QueueName);
    }

    [Fact]
    public async Task Keeps_rows_and_messages_of_one_isolated_set_away_from_another()
    {
        await using var first = await infrastructure.CreateIsolatedAsync();
        await using var second = await infrastructure.CreateIsolatedAsync();
        Assert.NotEqual(first.DatabaseName, second.DatabaseName);
        Assert.NotEqual(first.VirtualHost, second.VirtualHost);

        await ExecuteAsync(first.PostgresConnectionString, "CREATE TABLE marker (id int)");
        Assert.Equal(0L, await ScalarAsync(second.PostgresConnectionString,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'"));

        await using var firstConnection = await new ConnectionFactory { Uri = first.RabbitMqUri }.CreateConnectionAsync();
        await using var firstChannel = await firstConnection.CreateChannelAsync();
        await firstChannel.QueueDeclareAsync("isolation-marker", durable: false, exclusive: false, autoDelete: false);

        await using var secondConnection = await new ConnectionFactory { Uri = second.RabbitMqUri }.CreateConnectionAsync();
        await using var secondChannel = await secondConnection.CreateChannelAsync();
        // A passive declare of a queue that does not exist in this virtual host closes the channel with 404.
        await Assert.ThrowsAnyAsync<OperationInterruptedException>(
            () => secondChannel.QueueDeclarePassiveAsync("isolation-marker"));
    }

    [Fact]
    public async Task Deletes_the_database_and_the_virtual_host_when_disposed()
    {
        var isolated = await infrastructure.CreateIsolatedAsync();
        await isolated.DisposeAsync();

        Assert.Equal(0L, await ScalarAsync(infrastructure.PostgresConnectionString,
            $"SELECT count(*) FROM pg_database WHERE datname = '{isolated.DatabaseName}'"));
        // RabbitMQ opens the connection and refuses its first channel: 530 NOT_ALLOWED, vhost not found.
        // RabbitMQ.Client reports it as OperationInterruptedException or, when the close arrives first, its subclass
        // AlreadyClosedException.
        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
        {
            await using var connection = await new ConnectionFactory { Uri = isolated.RabbitMqUri }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
        });
        Assert.Equal((ushort)530, refused.ShutdownReason?.ReplyCode);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
