using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ReportSaga.EndToEndBench.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the benchmark's own (initdb into a temporary folder, loopback only, trust
/// authentication), started with <c>shared_preload_libraries=pg_stat_statements</c> (planning tracked too) so statements can be counted
/// without restarting a shared server. Defaults otherwise as a packaged cluster (max_connections 100). As root,
/// initdb and the server run as the <c>postgres</c> user (initdb refuses root). Stopped and deleted on dispose.
/// </summary>
internal sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _binDirectory;
    private readonly string _dataDirectory;

    private ThrowawayPostgres(string binDirectory, string dataDirectory, int port)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
    }

    public string AdminConnectionString { get; }

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = FindBinDirectory();
        var data = (await RunAsync(bin, "mktemp", "-d", "/tmp/reportsaga-bench-pg.XXXXXX")).Trim();
        var cluster = new ThrowawayPostgres(bin, data, FreeLoopbackPort());
        try
        {
            await RunAsync(bin, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            var port = new NpgsqlConnectionStringBuilder(cluster.AdminConnectionString).Port;
            var serverOptions = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} " +
                                "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on -c max_connections=100";
            await RunAsync(bin, Path.Combine(bin, "pg_ctl"), "start", "-w", "-t", "60", "-D", data, "-l", Path.Combine(data, "server.log"), "-o", serverOptions);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(_binDirectory, Path.Combine(_binDirectory, "pg_ctl"), "stop", "-m", "immediate", "-D", _dataDirectory);
        }
        catch (InvalidOperationException)
        {
            // Not running (start failed); the folder goes anyway.
        }

        await RunAsync(_binDirectory, "rm", "-rf", _dataDirectory);
    }

    private static string FindBinDirectory()
    {
        IEnumerable<string> candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d.Length).ThenByDescending(d => d, StringComparer.Ordinal) // the newest major version
            : [];
        return candidates.FirstOrDefault()
               ?? throw new InvalidOperationException(
                   "No PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin for a throwaway cluster. " +
                   "Install Debian's postgresql package, or use --postgres env / --postgres \"Host=…\" (statements are then not counted " +
                   "unless that server preloads pg_stat_statements).");
    }

    /// <summary>Runs a command (as the postgres user when this process is root); returns its output, throws on failure.</summary>
    private static async Task<string> RunAsync(string binDirectory, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Environment.UserName == "root")
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", command, .. arguments])
                start.ArgumentList.Add(argument);
        }
        else
        {
            start.FileName = command;
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = binDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(command)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
