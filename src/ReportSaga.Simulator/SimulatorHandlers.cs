using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ReportSaga.Simulator;

/// <summary>
/// The request handlers. Each one counts the call, then goes the provider's way: configured latency, api-key,
/// random fault, body, markers, and the call's own rules. See docs/simulator.md.
/// </summary>
internal sealed class SimulatorHandlers(SimulatorState state, IHostApplicationLifetime? lifetime, string routePrefix)
{
    private const string ApiKeyHeader = "api-key";
    private SimulatorOptions Options => state.Options;

    public async Task Validate(HttpContext context)
    {
        if (await Prelude(context, SimulatorEndpoint.Validate) is null)
        {
            return;
        }

        if (await ReadBody(context, validating: true) is not { } request)
        {
            return;
        }

        var fault = request.Markers.Validate;
        if (fault is not null && fault.AppliesTo(state.CountCallFor(SimulatorEndpoint.Validate, request.ReportName)))
        {
            switch (fault.Code)
            {
                case FaultMarker.Invalid:
                    await Invalid(context, StatusCodes.Status200OK, ["The report is invalid (simulated by [sim:validate=invalid])."]);
                    return;
                case "400":
                    await Invalid(context, StatusCodes.Status400BadRequest, ["The report is invalid (simulated by [sim:validate=400])."]);
                    return;
                case FaultMarker.Timeout:
                    await HoldResponse(context);
                    break; // if the client is still there, answer normally
                default:
                    await WriteFault(context, fault.Code);
                    return;
            }
        }

        if (!request.IsValid)
        {
            await Invalid(context, Options.InvalidValidationStatusCode, request.Errors);
            return;
        }

        await Json(context, StatusCodes.Status200OK, new
        {
            is_valid = true,
            estimated_credits = request.EstimatedCredits,
            warnings = request.Warnings,
        });
    }

    public async Task RequestReport(HttpContext context)
    {
        if (await Prelude(context, SimulatorEndpoint.RequestReport) is not { } apiKey)
        {
            return;
        }

        if (await ReadBody(context, validating: false) is not { } request)
        {
            return;
        }

        var fault = request.Markers.Submit;
        var faulted = fault is not null && fault.AppliesTo(state.CountCallFor(SimulatorEndpoint.RequestReport, request.ReportName));
        if (faulted && fault!.Code is not (FaultMarker.Timeout or FaultMarker.Reset))
        {
            await WriteFault(context, fault.Code); // refused before anything was created
            return;
        }

        if (!request.IsValid)
        {
            await Errors(context, StatusCodes.Status400BadRequest, request.Errors);
            return;
        }

        switch (state.TrySubmit(apiKey, request, out var report))
        {
            case SubmissionDecision.TooManyPending:
                await TooManyRequests(context,
                    $"Too many pending reports: at most {Options.MaxPendingReportsPerKey} unfinished reports per user.");
                return;
            case SubmissionDecision.InsufficientCredits:
                await Errors(context, StatusCodes.Status400BadRequest,
                    [$"Insufficient credits: the report needs an estimated {request.EstimatedCredits} credits and {state.Account(apiKey).Credits} remain."]);
                return;
        }

        // The report exists now; these faults only keep the answer from reaching the client.
        if (faulted && fault!.Code == FaultMarker.Reset)
        {
            context.Abort();
            return;
        }

        if (faulted && fault!.Code == FaultMarker.Timeout)
        {
            await HoldResponse(context);
        }

        await Json(context, StatusCodes.Status200OK, new { report_id = report!.Id, status = ReportLifecycle.Pending });
    }

    public async Task Status(HttpContext context)
    {
        if (await Prelude(context, SimulatorEndpoint.Status) is not { } apiKey)
        {
            return;
        }

        if (await FindReport(context, apiKey) is not { } report)
        {
            return;
        }

        var call = report.NextStatusCall();
        var fault = report.Request.Markers.Status;
        if (fault is not null && fault.AppliesTo(call) && await ApplyCallFault(context, fault))
        {
            return;
        }

        var view = report.Lifecycle.Observe(state.Time.GetUtcNow());
        object body = view.Status switch
        {
            ReportLifecycle.Completed => new
            {
                status = view.Status,
                download_url = DownloadUrl(context, report, view.CompletedAt!.Value),
                data_points_count = report.Request.DataPoints,
                used_quota = view.UsedQuota,
            },
            ReportLifecycle.BadRequest => new
            {
                status = view.Status,
                error = "The request is not valid: data is unavailable for the requested countries and dates (simulated by [sim:bad_request]).",
            },
            ReportLifecycle.InternalError => new
            {
                status = view.Status,
                error = "An unexpected error occurred while generating the report; use the retry endpoint (simulated).",
            },
            _ => new { status = view.Status },
        };
        await Json(context, StatusCodes.Status200OK, body);
    }

    public async Task Retry(HttpContext context)
    {
        if (await Prelude(context, SimulatorEndpoint.Retry) is not { } apiKey)
        {
            return;
        }

        if (await FindReport(context, apiKey) is not { } report)
        {
            return;
        }

        var fault = report.Request.Markers.RetryCall;
        if (fault is not null && fault.AppliesTo(report.NextRetryCall()) && await ApplyCallFault(context, fault))
        {
            return;
        }

        if (report.Lifecycle.TryRetry(state.Time.GetUtcNow()) is { } current)
        {
            await Errors(context, StatusCodes.Status400BadRequest,
                [$"Report {report.Id} cannot be retried: its status is {current}; only reports in internal_error can be retried."]);
            return;
        }

        await Json(context, StatusCodes.Status200OK, new { report_id = report.Id, status = ReportLifecycle.Retry });
    }

    public async Task Credits(HttpContext context)
    {
        if (await Prelude(context, SimulatorEndpoint.Credits) is not { } apiKey)
        {
            return;
        }

        await Json(context, StatusCodes.Status200OK, new { remaining_credits = state.RemainingCredits(apiKey) });
    }

    /// <summary>Serves the CSV of a completed report to whoever holds a valid signed link (no api-key, like a pre-signed URL).</summary>
    public async Task Download(HttpContext context)
    {
        state.CountCall(SimulatorEndpoint.Download);
        var reportId = context.Request.RouteValues["report_id"] as string ?? "";
        var now = state.Time.GetUtcNow();
        var report = state.Find(reportId);
        var check = state.Downloads.Check(reportId, context.Request.Query["expires"], context.Request.Query["signature"], now);
        if (report is null || report.Lifecycle.Observe(now).Status != ReportLifecycle.Completed || check == DownloadCheck.BadSignature)
        {
            await PlainText(context, StatusCodes.Status403Forbidden, "Forbidden: the signature does not match.");
            return;
        }

        if (check == DownloadCheck.Expired)
        {
            await PlainText(context, StatusCodes.Status403Forbidden, "Forbidden: the link has expired.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/csv; charset=utf-8";
        await context.Response.WriteAsync(ReportCsv.For(report), context.RequestAborted);
    }

    /// <summary>Counts the call, adds latency, checks the key and rolls the configured fault. Null when answered already.</summary>
    private async Task<string?> Prelude(HttpContext context, SimulatorEndpoint endpoint)
    {
        state.CountCall(endpoint);
        var faults = Options.Faults;
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, context.RequestAborted);
        }

        var apiKey = context.Request.Headers[ApiKeyHeader].ToString();
        if (apiKey.Length == 0 || !state.AcceptedKeys.Contains(apiKey))
        {
            // Plain text, like the provider; the key is never echoed.
            await PlainText(context, StatusCodes.Status401Unauthorized, "Unauthorized: the api-key is missing or not valid.");
            return null;
        }

        var rate = faults.RateFor(endpoint);
        if (rate > 0 && Random.Shared.NextDouble() < rate)
        {
            await WriteFault(context, faults.ErrorStatusCode.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        return apiKey;
    }

    private async Task<ValidatedReport?> ReadBody(HttpContext context, bool validating)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            await RefuseBody(context, validating, $"The request body is not valid JSON: {ex.Message}");
            return null;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            await RefuseBody(context, validating, "The request body should be a JSON object.");
            return null;
        }

        return ReportBodyValidator.Validate(body, state.Time.GetUtcNow());
    }

    private Task RefuseBody(HttpContext context, bool validating, string error) =>
        validating ? Invalid(context, StatusCodes.Status400BadRequest, [error]) : Errors(context, StatusCodes.Status400BadRequest, [error]);

    private async Task<SimulatedReport?> FindReport(HttpContext context, string apiKey)
    {
        var reportId = context.Request.RouteValues["report_id"] as string ?? "";
        if (state.Find(reportId, apiKey) is { } report)
        {
            return report;
        }

        await Errors(context, StatusCodes.Status404NotFound, [$"Report {reportId} was not found."]);
        return null;
    }

    /// <summary>A status or retry fault. Returns false for <c>timeout</c> after the hold, so the call is then answered normally.</summary>
    private async Task<bool> ApplyCallFault(HttpContext context, FaultMarker fault)
    {
        if (fault.Code == FaultMarker.Timeout)
        {
            await HoldResponse(context);
            return context.RequestAborted.IsCancellationRequested;
        }

        if (fault.Code == FaultMarker.Reset)
        {
            context.Abort();
            return true;
        }

        await WriteFault(context, fault.Code);
        return true;
    }

    /// <summary>Answers an HTTP error code the way the provider (or a proxy in front of it) would.</summary>
    private Task WriteFault(HttpContext context, string code)
    {
        if (code == FaultMarker.Reset)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var status = int.Parse(code, CultureInfo.InvariantCulture);
        return status switch
        {
            401 => PlainText(context, status, "Unauthorized: the api-key is missing or not valid (simulated)."),
            403 => PlainText(context, status, "Forbidden: the account is not active (simulated)."),
            429 => TooManyRequests(context, "Too many requests (simulated)."),
            503 => PlainText(context, status, "Service Unavailable (simulated)."),
            _ when status >= 500 => Errors(context, status, ["Internal server error (simulated)."]),
            _ => Errors(context, status, [$"The request was refused with HTTP {status} (simulated)."]),
        };
    }

    /// <summary>Holds the response for TimeoutDelay, or until the client goes away or the host stops.</summary>
    private async Task HoldResponse(HttpContext context)
    {
        using var hold = lifetime is null
            ? CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted)
            : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Options.TimeoutDelay, hold.Token);
        }
        catch (OperationCanceledException)
        {
            // the client gave up or the host is stopping
        }
    }

    private string DownloadUrl(HttpContext context, SimulatedReport report, DateTimeOffset completedAt)
    {
        var request = context.Request;
        var path = Options.DownloadPath.Replace("{report_id}", Uri.EscapeDataString(report.Id), StringComparison.Ordinal);
        return $"{request.Scheme}://{request.Host}{request.PathBase}{routePrefix}{path}{state.Downloads.QueryFor(report.Id, completedAt)}";
    }

    private Task TooManyRequests(HttpContext context, string error)
    {
        if (Options.RateLimitRetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Errors(context, StatusCodes.Status429TooManyRequests, [error]);
    }

    private static Task Invalid(HttpContext context, int status, IReadOnlyList<string> errors) =>
        Json(context, status, new { is_valid = false, errors, warnings = Array.Empty<object>() });

    private static Task Errors(HttpContext context, int status, IReadOnlyList<string> errors) =>
        Json(context, status, new { errors });

    private static Task Json<T>(HttpContext context, int status, T body)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, SimulatorJson.Options, context.RequestAborted);
    }

    private static Task PlainText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
