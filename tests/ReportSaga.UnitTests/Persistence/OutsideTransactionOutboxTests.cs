using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Persistence.Outbox;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>
/// A consumer that calls another service runs through the outbox with no transaction open
/// (<see cref="ReportSagaOutboxOptions.ConsumesOutsideTransaction"/>), on SQLite (in-memory transport; the database is
/// real). Duplicates of one message may then run it at the same time; only the first to finish may take effect.
/// </summary>
public sealed class When_a_consumer_that_calls_outside_runs_through_the_outbox_in_sqlite : IAsyncLifetime
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();
    private PersistenceTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PersistenceTestHost.StartAsync(_storage.Settings,
            configureBus: x =>
            {
                x.AddReportSagaOutbox(o =>
                {
                    o.RunDeliverySweep = false;
                    o.RunInboxCleanup = false;
                    o.ConsumesOutsideTransaction = type => type == typeof(CallOutsideConsumer);
                });
                x.AddConsumer<CallOutsideConsumer>().Endpoint(e => e.Name = "call-outside");
                x.AddConsumer<OutsideCallAnsweredSubscriber>().Endpoint(e => e.Name = "outside-call-answered");
            },
            configureServices: services =>
            {
                services.AddSingleton<OutsideCalls>();
                services.AddSingleton<OutsideCallAnsweredLog>();
            });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _storage.Dispose();
    }

    private OutsideCalls Calls => _host.Provider.GetRequiredService<OutsideCalls>();
    private OutsideCallAnsweredLog Answered => _host.Provider.GetRequiredService<OutsideCallAnsweredLog>();

    private async Task SendAsync(CallOutside message, Guid messageId)
    {
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new Uri("queue:call-outside"));
        await endpoint.Send(message, c => c.MessageId = messageId);
    }

    private Task<InboxState?> InboxAsync(Guid messageId) =>
        _host.QueryAsync(db => db.InboxStates.AsNoTracking().SingleOrDefaultAsync(x => x.MessageId == messageId));

    [Fact]
    public async Task Of_two_duplicates_running_at_once_only_the_first_to_finish_takes_effect()
    {
        var call = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await SendAsync(new CallOutside(call), messageId);
        var first = await Calls.AttemptAsync(call, 1);
        // The duplicate runs while the first attempt is still in its call: nothing holds the inbox row.
        await SendAsync(new CallOutside(call), messageId);
        var second = await Calls.AttemptAsync(call, 2);

        second.Answer();
        await Eventually.Until(() => InboxAsync(messageId), row => row?.Consumed is not null);
        first.Answer();
        Assert.True(await Eventually.Until(() => Task.FromResult(first.Returned), returned => returned));
        await _host.Harness.InactivityTask;
        // The later attempt's event is neither delivered nor left in the outbox.
        Assert.Equal(0, await Eventually.Until(() => _host.QueryAsync(db => db.OutboxMessages.CountAsync()), n => n == 0));
        await _host.Harness.InactivityTask;

        Assert.Equal(2, Calls.AttemptsFor(call));
        Assert.Equal(2, Assert.Single(Answered.For(call)).Attempt);
        Assert.Equal(2, (await InboxAsync(messageId))!.ReceiveCount);
    }

    [Fact]
    public async Task A_redelivery_after_the_commit_does_not_run_it_again()
    {
        Calls.AnswerAtOnce = true;
        var call = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await SendAsync(new CallOutside(call), messageId);
        await Eventually.Until(() => Task.FromResult(Answered.For(call)), l => l.Count > 0);

        await SendAsync(new CallOutside(call), messageId);
        await Eventually.Until(() => InboxAsync(messageId), row => row?.ReceiveCount >= 2);
        await _host.Harness.InactivityTask;

        Assert.Equal(1, Calls.AttemptsFor(call));
        Assert.Single(Answered.For(call));
    }

    [Fact]
    public async Task An_attempt_that_fails_after_its_call_writes_nothing_and_a_redelivery_runs_it_again()
    {
        Calls.AnswerAtOnce = true;
        var call = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await SendAsync(new CallOutside(call, Fail: true), messageId);
        Assert.True(await _host.Harness.Consumed.Any<CallOutside>(x => x.Context.MessageId == messageId && x.Exception is not null));
        await _host.Harness.InactivityTask;
        Assert.Equal(0, await _host.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Null((await InboxAsync(messageId))!.Consumed);

        await SendAsync(new CallOutside(call), messageId);
        var answered = await Eventually.Until(() => Task.FromResult(Answered.For(call)), l => l.Count > 0);

        Assert.Equal(2, Assert.Single(answered).Attempt);
        Assert.NotNull((await InboxAsync(messageId))!.Consumed);
    }
}
