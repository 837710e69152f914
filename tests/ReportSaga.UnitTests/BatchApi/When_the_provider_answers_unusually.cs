using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using ReportSaga.BatchApi;

namespace ReportSaga.UnitTests.BatchApi;

/// <summary>Answers the simulator does not give, served by a scripted loopback server.</summary>
public sealed class When_the_provider_answers_unusually
{
    [Theory]
    [InlineData("Internal Error", "internal_error")]
    [InlineData("bad request", "bad_request")]
    [InlineData("COMPLETED", "completed")]
    [InlineData(" Processing ", "processing")]
    public async Task Statuses_with_spaces_or_capitals_are_normalised(string sent, string expected)
    {
        await using var server = await ScriptedHttpServer.Answering(200, $$"""{"status":"{{sent}}"}""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.GetStatusAsync("r-1");

        Assert.Equal(expected, result.Value!.Status);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_a_message_field_is_kept_as_the_error()
    {
        await using var server = await ScriptedHttpServer.Answering(200,
            """{"status":"internal error","message":"disk full","new_field":{"nested":[1,2]},"eta":null}""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.GetStatusAsync("r-1");

        Assert.Equal(new ReportStatusResult("internal_error", Error: "disk full"), result.Value);
        Assert.Equal("/v3/batch/request-status/r-1", Assert.Single(server.Received).PathAndQuery);
    }

    [Fact]
    public async Task Numbers_sent_as_strings_are_read()
    {
        await using var server = await ScriptedHttpServer.Answering(200,
            """{"status":"completed","download_url":"https://x/y.csv?sig=1","data_points_count":"1779429","used_quota":35589.0}""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.GetStatusAsync("r-1");

        Assert.Equal(new ReportStatusResult("completed", "https://x/y.csv?sig=1", 1779429, 35589), result.Value);
    }

    [Fact]
    public async Task A_validate_answer_without_warnings_is_valid_with_none()
    {
        await using var server = await ScriptedHttpServer.Answering(200, """{"is_valid":true,"estimated_credits":208}""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body());

        Assert.Equal(208, result.Value!.EstimatedCredits);
        Assert.Empty(result.Value.Warnings);
    }

    [Fact]
    public async Task An_html_502_from_a_proxy_becomes_a_clear_transient_error_after_retries()
    {
        await using var server = await ScriptedHttpServer.Answering(502,
            "<html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><h1>Bad Gateway</h1></body></html>",
            "text/html");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.GetStatusAsync("r-1");

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(502, result.StatusCode);
        var error = Assert.Single(result.Errors);
        Assert.Contains("HTTP 502", error);
        Assert.Contains("502 Bad Gateway", error);
        Assert.DoesNotContain("<", error);
        Assert.Equal(3, server.Received.Count);
    }

    [Fact]
    public async Task A_plain_text_401_is_unauthorized_with_its_text()
    {
        await using var server = await ScriptedHttpServer.Answering(401, "Invalid API key or inactive account", "text/plain");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.Unauthorized, result.Outcome);
        Assert.Equal(["HTTP 401 (Unauthorized): Invalid API key or inactive account"], result.Errors);
    }

    [Fact]
    public async Task A_400_with_a_plain_text_body_is_invalid_with_its_text()
    {
        await using var server = await ScriptedHttpServer.Answering(400, "dates outside the available history", "text/plain");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.ValidateAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Contains("dates outside the available history", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task Truncated_json_in_a_status_answer_is_a_transient_failure()
    {
        await using var server = await ScriptedHttpServer.Answering(200, """{"status":"compl""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.GetStatusAsync("r-1");

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Contains("Unreadable success response", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task Truncated_json_in_a_submission_answer_is_an_unknown_outcome()
    {
        await using var server = await ScriptedHttpServer.Answering(200, """{"report_id":"845d""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.OutcomeUnknown, result.Outcome);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task Errors_given_as_objects_are_kept_as_their_json_text()
    {
        await using var server = await ScriptedHttpServer.Answering(400, """{"errors":[{"field":"countries","reason":"unavailable"},"plain"]}""");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.Invalid, result.Outcome);
        Assert.Equal(["""{"field":"countries","reason":"unavailable"}""", "plain"], result.Errors);
    }

    [Fact]
    public async Task Retry_after_in_seconds_is_honoured()
    {
        await using var server = await ScriptedHttpServer.Answering(429, """{"errors":["slow down"]}""",
            headers: r => r.Headers.RetryAfter = "42");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RequestReportAsync(ReportBodies.Body());

        Assert.Equal(BatchApiOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(42), result.RetryAfter);
        Assert.Equal(["slow down"], result.Errors);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_turned_into_a_wait()
    {
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await using var server = await ScriptedHttpServer.Answering(429, "Too Many Requests", "text/plain",
            r => r.Headers.RetryAfter = now.AddMinutes(2).ToString("R"));
        using var client = TestClient.For(server.BaseAddress, time: new FakeTimeProvider(now));

        var result = await client.Api.GetStatusAsync("r-1");

        Assert.Equal(BatchApiOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(2), result.RetryAfter);
        Assert.Single(server.Received); // 429 is not retried inside the client
    }

    [Fact]
    public async Task Retry_after_on_a_lasting_503_is_passed_to_the_caller()
    {
        await using var server = await ScriptedHttpServer.Answering(503, "", "text/plain", r => r.Headers.RetryAfter = "5");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.Equal(BatchApiOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(5), result.RetryAfter);
        Assert.Equal(["HTTP 503 (Service Unavailable) with an empty body"], result.Errors);
    }

    [Fact]
    public async Task A_retry_answer_with_an_empty_body_is_an_accepted_retry()
    {
        await using var server = await ScriptedHttpServer.Answering(202, "");
        using var client = TestClient.For(server.BaseAddress);

        var result = await client.Api.RetryAsync("r-9");

        Assert.Equal(new RetryResult("r-9", ProviderStatuses.Retry), result.Value);
        var request = Assert.Single(server.Received);
        Assert.Equal(("POST", "/v3/batch/retry-report/r-9"), (request.Method, request.PathAndQuery));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_key_never_travels_elsewhere()
    {
        await using var elsewhere = await ScriptedHttpServer.Answering(200, """{"remaining_credits":1}""");
        await using var server = await ScriptedHttpServer.Answering(302, "", "text/plain",
            r => r.Headers.Location = elsewhere.BaseAddress + "v3/batch/credits");
        using var client = TestClient.For(server.BaseAddress, o => o.MaxRetryAttempts = 0);

        var result = await client.Api.GetRemainingCreditsAsync();

        Assert.False(result.IsSuccess);
        Assert.Empty(elsewhere.Received);
    }

    [Fact]
    public async Task Every_path_comes_from_the_options()
    {
        await using var server = await ScriptedHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(context.Request.Path.Value switch
            {
                "/p/validate" => """{"is_valid":true,"estimated_credits":1,"warnings":[]}""",
                "/p/submit" => """{"report_id":"r-42","status":"pending"}""",
                "/p/status/r-42" => """{"status":"pending"}""",
                "/p/retry/r-42" => """{"report_id":"r-42","status":"retry"}""",
                "/p/credits" => """{"remaining_credits":7}""",
                _ => "{}",
            });
        });
        using var client = TestClient.For(new Uri(server.BaseAddress, "/p/"), o =>
        {
            o.ValidatePath = "/validate";
            o.RequestReportPath = "/submit";
            o.StatusPath = "/status/{report_id}";
            o.RetryPath = "/retry/{report_id}";
            o.CreditsPath = "/credits";
        });

        Assert.True((await client.Api.ValidateAsync(ReportBodies.Body())).IsSuccess);
        var id = (await client.Api.RequestReportAsync(ReportBodies.Body())).Value!.ReportId;
        Assert.True((await client.Api.GetStatusAsync(id)).IsSuccess);
        Assert.True((await client.Api.RetryAsync(id)).IsSuccess);
        Assert.Equal(7, (await client.Api.GetRemainingCreditsAsync()).Value!.RemainingCredits);
        Assert.Equal(5, server.Received.Count);
    }
}
