using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;

namespace ReportSaga.UnitTests.Reports;

public sealed class When_someone_asks_for_a_reports_status : ReportSagaTest
{
    [Fact]
    public async Task A_known_report_answers_report_status_with_its_progress()
    {
        var requestId = await Harness.RequestAsync("status please [sim:credits=321]");
        await Harness.RunToEndAsync(requestId);

        var client = Harness.Bus.Scope.ServiceProvider.GetRequiredService<IRequestClient<GetReportStatus>>();
        var response = await client.GetResponse<ReportStatus, ReportNotFound>(new GetReportStatus { RequestId = requestId });

        Assert.True(response.Is(out Response<ReportStatus>? found));
        var status = found!.Message;
        Assert.Equal(requestId, status.RequestId);
        Assert.Equal("Completed", status.State);
        Assert.Equal("completed", status.ProviderStatus);
        Assert.Equal(321, status.EstimatedCredits);
        Assert.False(string.IsNullOrEmpty(status.ReportId));
        Assert.NotNull(status.DownloadUrl);
        Assert.Equal(0, status.Attempts);
    }

    [Fact]
    public async Task An_unknown_request_id_answers_report_not_found()
    {
        var requestId = NewId.NextGuid();
        var client = Harness.Bus.Scope.ServiceProvider.GetRequiredService<IRequestClient<GetReportStatus>>();

        var response = await client.GetResponse<ReportStatus, ReportNotFound>(new GetReportStatus { RequestId = requestId });

        Assert.True(response.Is(out Response<ReportNotFound>? notFound));
        Assert.Equal(requestId, notFound!.Message.RequestId);
    }
}
