using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration.Delivery;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.EntityFrameworkCoreIntegration.Scheduling;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.UnitTests.Persistence;

public sealed class When_a_stored_message_keeps_failing_to_send
{
    [Fact]
    public void The_wait_doubles_from_the_first_delay_up_to_the_cap_and_the_row_parks_at_the_limit()
    {
        var policy = new DurableSchedulerOptions().RetryPolicy;

        var waits = Enumerable.Range(1, 12).Select(policy.DelayAfter).ToList();

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300], waits.Select(w => w.TotalSeconds));
        Assert.False(policy.ShouldPark(9));
        Assert.True(policy.ShouldPark(10));
    }

    [Fact]
    public void The_error_kept_on_the_row_is_cut_to_the_column_length()
    {
        var text = SendRetryPolicy.ErrorText(new InvalidOperationException(new string('x', 5000), new TimeoutException("inner")));

        Assert.Equal(SendRetryPolicy.MaxErrorLength, text.Length);
        Assert.StartsWith("System.InvalidOperationException: xxx", text);
    }

    [Theory]
    [InlineData("scheduler", "DurableSchedulerOptions.ParkAfterAttempts")]
    [InlineData("outbox", "ReportSagaOutboxOptions.DeliveryRetryDelay")]
    public void A_bad_setting_stops_registration_with_its_name(string part, string setting)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddMassTransit(x =>
        {
            if (part == "scheduler")
                x.AddDurableMessageScheduler(o => o.ParkAfterAttempts = 0);
            else
                x.AddReportSagaOutbox(o => o.DeliveryRetryDelay = TimeSpan.Zero);
        }));

        Assert.Equal(setting, error.ParamName);
    }
}
