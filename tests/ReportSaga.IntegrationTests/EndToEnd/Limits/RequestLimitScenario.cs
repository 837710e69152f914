using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Data.Sqlite;
using Npgsql;
using ReportSaga.Contracts;
using ReportSaga.IntegrationTests.EndToEnd.Support;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.IntegrationTests.Messaging;
using ReportSaga.Orchestration.Messaging;
using Xunit.Abstractions;

namespace ReportSaga.IntegrationTests.EndToEnd.Limits;

/// <summary>
/// Issue #12, item 1, against the service process as deployed: requests that break a limit, published as
/// publishers publish them (MassTransit envelopes and plain JSON), among good ones. Each that names its request id
/// ends once as <c>ReportFailed</c> reason <c>invalid</c> with the field and the limit in its error, reaches no
/// provider and leaves no body in its saga row; each that does not goes to the error queue with its reason; the
/// service stays ready and the good requests published after them complete. The same on either storage.
/// </summary>
internal static class RequestLimitScenario
{
    private const string RequestReportExchange = "ReportSaga.Contracts:RequestReport";
    private const string FaultMessageHeader = "MT-Fault-Message";
    private static readonly string ErrorQueue = RequestReportEndpoint.Name + "_error";

    private const int EightMiB = 8 * 1024 * 1024;
    private const string SizeError = @"^RequestReport is (?<bytes>[\d,]+) bytes, above the limit of 262,144 \(Requests__MaxBodyBytes\)\.$";

    /// <summary>Reads a saga row's stored <c>report</c> and <c>requested_by</c> (null when there is no row).</summary>
    public delegate Task<(string Report, string? RequestedBy)?> SagaRowReader(Guid requestId);

    public static Task RunAsync(InfrastructureFixture infrastructure, ITestOutputHelper output, bool sqlite, int oversizedBurst) =>
        EndToEndScenario.RunAsync(infrastructure, output, async scenario =>
        {
            var settings = scenario.Settings();
            SagaRowReader readRow;
            if (sqlite)
            {
                // SQLite ignores column sizes: the checks must refuse a long requestedBy all the same.
                var path = Path.Combine(Path.GetTempPath(), $"reportsaga-limits-{Guid.NewGuid():N}.db");
                settings.Remove("ConnectionStrings__Postgres");
                settings["DOTNET_ENVIRONMENT"] = "Development"; // Production requires PostgreSQL
                settings["Storage__SqlitePath"] = path;
                readRow = id => ReadSqliteRowAsync(path, id);
            }
            else
                readRow = id => ReadPostgresRowAsync(infrastructure.PostgresConnectionString, id);

            var service = await scenario.StartServiceAsync("service", settings);
            var readiness = ReadinessWatch.Start(service);
            var peakAtStart = PeakResidentBytes(service);
            var rabbitMq = infrastructure.RabbitMqUri;
            var validReport = Reports.Plain(0).Body.ToJsonString();
            var expected = new Dictionary<Guid, string>();

            // 8 MiB reports in MassTransit envelopes, several at once: refused by size, before parsing.
            var oversized = new List<Guid>();
            for (var i = 0; i < oversizedBurst; i++)
            {
                var id = NewId.NextGuid();
                oversized.Add(id);
                var body = JsonNode.Parse(validReport)!.AsObject();
                body["padding"] = new string('p', EightMiB);
                await scenario.Observer.Bus.Publish(new RequestReport
                {
                    RequestId = id, Report = JsonSerializer.SerializeToElement(body), RequestedBy = "e2e: 8 MiB report",
                });
            }

            scenario.Note($"published {oversizedBurst} enveloped 8 MiB report(s)");
            var peakBefore = PeakResidentBytes(service);

            // Plain JSON, field by field.
            async Task<Guid> PlainAsync(Func<Guid, string> json, string error)
            {
                var id = NewId.NextGuid();
                expected[id] = error;
                await PlainJsonPublisher.PublishAsync(rabbitMq, RequestReportExchange, json(id));
                return id;
            }

            await PlainAsync(id => $$"""{"requestId":"{{id}}","report":{{validReport}},"maxCredits":"lots"}""",
                "RequestReport.maxCredits must be a positive integer (was \"lots\").");
            await PlainAsync(id => $$"""{"requestId":"{{id}}","report":{{validReport}},"maxCredits":1.5}""",
                "RequestReport.maxCredits must be a positive integer (was 1.5).");
            await PlainAsync(id => $$"""{"requestId":"{{id}}","report":{{validReport}},"requestedBy":"{{new string('r', 5000)}}"}""",
                "RequestReport.requestedBy must be at most 256 characters (was 5,000).");
            var plainOversized = await PlainAsync(id => $$"""{"requestId":"{{id}}","report":{{validReport}},"notes":"{{new string('n', 1024 * 1024)}}"}""",
                "(size)");
            await PlainAsync(id => $$"""{"requestId":"{{id}}","report":[1,2]}""",
                "RequestReport.report must be a JSON object (the Batch API request body), not array.");

            // The long requestedBy from a MassTransit publisher too.
            var enveloped = NewId.NextGuid();
            expected[enveloped] = "RequestReport.requestedBy must be at most 256 characters (was 5,000).";
            await scenario.Observer.Bus.Publish(new RequestReport
            {
                RequestId = enveloped, Report = JsonDocument.Parse(validReport).RootElement.Clone(), RequestedBy = new string('e', 5000),
            });

            // No readable request id: nothing to end, no one to answer; the error queue keeps them with the reason.
            var unreadable = new Dictionary<string, string>
            {
                [$$"""{"report":{{validReport}},"maxCredits":"lots"}"""] = "RequestReport.requestId is required",
                [$$"""{"requestId":"not-a-guid","report":{{validReport}}}"""] = "RequestReport.requestId must be a non-empty GUID",
                [$$"""{"report":{{validReport}},"notes":"{{new string('n', 400 * 1024)}}"}"""] = "above the limit of 262,144 (Requests__MaxBodyBytes)",
            };
            foreach (var body in unreadable.Keys)
                await PlainJsonPublisher.PublishAsync(rabbitMq, RequestReportExchange, body);
            scenario.Note($"published {expected.Count} refused and {unreadable.Count} unreadable request(s)");

            // Good requests right behind them.
            var good = Enumerable.Range(1, 4).Select(i => Reports.Plain(i, plainJson: i % 2 == 0)).ToList();
            await scenario.PublishAsync(good);
            await scenario.AssertEveryReportEndedOnceAsync(TimeSpan.FromSeconds(120));

            var refused = expected.Keys.Concat(oversized).ToList();
            var missing = await scenario.Events.WaitForEndsAsync(refused, TimeSpan.FromSeconds(60));
            Assert.True(missing.Count == 0, $"{missing.Count} refused request(s) got no ReportFailed: {string.Join(", ", missing)}");
            scenario.Note($"service peak resident memory: {Mib(peakAtStart)} when ready, {Mib(peakBefore)} after the burst was published, " +
                          $"{Mib(PeakResidentBytes(service))} at the end");

            foreach (var id in refused)
            {
                var failed = Assert.IsType<ReportFailed>(Assert.Single(scenario.Events.EndsOf(id)));
                Assert.Equal(ReportFailureReasons.Invalid, failed.Reason);
                Assert.Null(failed.ReportId);
                var error = Assert.Single(failed.Errors);
                if (oversized.Contains(id) || id == plainOversized)
                {
                    var match = System.Text.RegularExpressions.Regex.Match(error, SizeError);
                    Assert.True(match.Success, $"Not a size error: {error}");
                    Assert.True(long.Parse(match.Groups["bytes"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 1024 * 1024);
                }
                else
                    Assert.Equal(expected[id], error);

                // The refused request's row holds no body and no oversized requester.
                var row = await readRow(id);
                Assert.NotNull(row);
                Assert.Equal("{}", row.Value.Report);
                Assert.True(row.Value.RequestedBy is null || row.Value.RequestedBy.Length <= 256, $"requested_by kept {row.Value.RequestedBy?.Length} characters");
            }

            await using var queues = await BrokerQueues.ConnectAsync(rabbitMq);
            await queues.WaitForMessagesAsync(ErrorQueue, (uint)unreadable.Count, TimeSpan.FromSeconds(30));
            var errors = await queues.TakeAllAsync(ErrorQueue);
            Assert.Equal(unreadable.Count, errors.Count);
            foreach (var (body, reason) in unreadable)
            {
                var parked = Assert.Single(errors, e => e.Body == body);
                Assert.Contains(reason, parked.Headers.GetValueOrDefault(FaultMessageHeader) ?? "", StringComparison.Ordinal);
            }

            // Nothing refused reached the provider; the service stayed ready throughout.
            Assert.Equal(good.Count, scenario.Simulator.State.SubmittedReports().Count);
            var (probes, notReady) = await readiness.StopAsync();
            Assert.True(probes > 0);
            Assert.True(notReady.Count == 0, "/health/ready was not 200 at: " + string.Join(", ", notReady));
            Assert.False(service.HasExited);
        });

    private static async Task<(string Report, string? RequestedBy)?> ReadPostgresRowAsync(string connectionString, Guid requestId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT report, requested_by FROM report_state WHERE correlation_id = @id", connection);
        command.Parameters.AddWithValue("id", requestId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    private static async Task<(string Report, string? RequestedBy)?> ReadSqliteRowAsync(string path, Guid requestId)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT report, requested_by FROM report_state WHERE correlation_id = $id";
        // EF Core's SQLite provider stores a Guid as upper-case text.
        command.Parameters.AddWithValue("$id", requestId.ToString().ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>The process's peak resident set (VmHWM), for the test's timeline; never asserted.</summary>
    private static long PeakResidentBytes(ServiceProcess service)
    {
        try
        {
            var line = File.ReadLines($"/proc/{service.ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):0} MiB";
}
