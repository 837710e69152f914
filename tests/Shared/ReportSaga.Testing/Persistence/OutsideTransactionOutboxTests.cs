using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.EntityFrameworkCoreIntegration.Outbox;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// A consumer that calls another service runs through the outbox with no transaction open
/// (<see cref="ReportSagaOutboxOptions.ConsumesOutsideTransaction"/>). Duplicates of one message may then run it at the
/// same time; only the first to finish may take effect, a redelivery after the commit does not run it again, and an
/// attempt that fails writes nothing. Written once; each database's subclass gives the storage and the transport.
/// </summary>
public abstract class OutsideTransactionOutboxTests : IAsyncLifetime
{
    private PersistenceTestHost _host = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>The broker the bus runs on (read after <see cref="CreateStorageAsync"/>).</summary>
    protected virtual TestTransport Transport => TestTransport.InMemory;

    public async Task InitializeAsync()
    {
        var settings = await CreateStorageAsync();
        _host = await PersistenceTestHost.StartAsync(settings,
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
            },
            transport: Transport);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await DropStorageAsync();
    }

    protected OutsideCalls Calls => _host.Provider.GetRequiredService<OutsideCalls>();
    protected OutsideCallAnsweredLog Answered => _host.Provider.GetRequiredService<OutsideCallAnsweredLog>();

    protected async Task SendAsync(CallOutside message, Guid messageId)
    {
        var endpoint = await _host.Harness.Bus.GetSendEndpoint(new Uri("queue:call-outside"));
        await endpoint.Send(message, c => c.MessageId = messageId);
    }

    protected Task<InboxState?> InboxAsync(Guid messageId) =>
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
        await Eventually.Until(() => InboxAsync(messageId), row => row?.Delivered is not null);
        first.Answer();
        Assert.True(await Eventually.Until(() => Task.FromResult(first.Returned), returned => returned));
        await _host.Harness.InactivityTask;
        // Discarded: its count of receives is the last thing the later attempt writes, and its event is neither
        // delivered nor left in the outbox.
        Assert.Equal(2, (await Eventually.Until(() => InboxAsync(messageId), row => row?.ReceiveCount == 2))!.ReceiveCount);
        Assert.Equal(0, await Eventually.Until(() => _host.QueryAsync(db => db.OutboxMessages.CountAsync(x => x.InboxMessageId == messageId)), n => n == 0));
        await _host.Harness.InactivityTask;

        Assert.Equal(2, Calls.AttemptsFor(call));
        Assert.Equal(2, Assert.Single(Answered.For(call)).Attempt);
        Assert.Equal(0, await _host.QueryAsync(db => db.OutboxMessages.CountAsync()));
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
