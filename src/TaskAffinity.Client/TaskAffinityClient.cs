using System.Collections.Immutable;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Client;

/// <summary>
/// What an application uses to submit work and await its results. Talks to <c>task-router</c> on its own
/// node (any node of the cluster, or a client-role node from <see cref="ClientNode"/>).
/// Submissions are idempotent by chain id, so the client retries a submission whose answer was lost.
/// </summary>
public sealed class TaskAffinityClient
{
    private readonly ActorSystem _system;
    private readonly IActorRef _router;
    private readonly ClientSettings _settings;
    private readonly Lazy<ReplyInbox> _inbox;

    public TaskAffinityClient(ActorSystem system, IActorRef router, ClientSettings? settings = null)
    {
        _system = system;
        _router = router;
        _settings = settings ?? new ClientSettings();
        _inbox = new Lazy<ReplyInbox>(() => new ReplyInbox(system, router));
    }

    /// <summary>Submits a graph. Returns once the chain is persisted (acknowledged) or rejected with its reasons.</summary>
    public async Task<SubmitResult> SubmitAsync(string chainId, string appId, IEnumerable<TaskSpec> tasks, CancellationToken cancellationToken = default)
    {
        var submit = new SubmitChain(chainId, appId, tasks.ToImmutableArray());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await _router.Ask<object>(submit, _settings.AskTimeout, cancellationToken).ConfigureAwait(false);
                return reply switch
                {
                    ChainAcknowledged ack => new SubmitResult(chainId, true, ack.Duplicate, []),
                    Rejected rejected => new SubmitResult(chainId, false, false, rejected.Problems),
                    _ => throw new InvalidOperationException($"unexpected reply to a submission: {reply.GetType().Name}"),
                };
            }
            catch (AskTimeoutException) when (attempt < _settings.SubmitAttempts)
            {
                // Safe to repeat: a chain id already accepted is acknowledged again, never run twice.
                await Task.Delay(_settings.RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Submits a single task as a one-task chain whose id is the task's id.</summary>
    public Task<SubmitResult> SubmitTaskAsync(TaskSpec task, string appId, CancellationToken cancellationToken = default) =>
        SubmitAsync(task.Id, appId, [task], cancellationToken);

    /// <summary>
    /// Submits many chains with at most <paramref name="parallelism"/> awaiting acknowledgement at a time:
    /// the stream pulls the next submission only when there is room (backpressure).
    /// </summary>
    public Source<SubmitResult, NotUsed> SubmitMany(IEnumerable<(string ChainId, string AppId, IReadOnlyList<TaskSpec> Tasks)> chains, int parallelism) =>
        Source.From(chains).SelectAsync(parallelism, c => SubmitAsync(c.ChainId, c.AppId, c.Tasks));

    /// <summary>Waits until the chain ends and returns every task's result. Throws <see cref="ChainNotFoundException"/> for an unknown id.</summary>
    public async Task<ChainFinished> AwaitAsync(string chainId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                // Re-asked in rounds: a watch is held in memory by the chain, and a chain that moved or
                // restarted has forgotten it.
                var reply = await _router.Ask<object>(new WatchChain(chainId), _settings.WatchRound, deadline.Token).ConfigureAwait(false);
                return reply switch
                {
                    ChainFinished finished => finished,
                    NotFound notFound => throw new ChainNotFoundException(notFound.ChainId, notFound.Reason),
                    _ => throw new InvalidOperationException($"unexpected reply to a watch: {reply.GetType().Name}"),
                };
            }
            catch (AskTimeoutException) when (!deadline.IsCancellationRequested)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"chain '{chainId}' did not finish within {timeout}");
            }
        }
    }

    /// <summary>
    /// Submits and awaits. Throws <see cref="ChainRejectedException"/> when the submission is rejected.
    /// One request does both (<see cref="SubmitChain.Watch"/>); if the end is not heard within a watch round
    /// (the chain moved or restarted and forgot the watch) it falls back to watching in rounds.
    /// </summary>
    public async Task<ChainFinished> RunAsync(string chainId, string appId, IEnumerable<TaskSpec> tasks, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = DateTime.UtcNow;
        var waiter = _inbox.Value.Open(chainId);
        if (waiter is null) // this client already waits for that id: the plain way
        {
            var submitted = await SubmitAsync(chainId, appId, tasks, cancellationToken).ConfigureAwait(false);
            if (!submitted.Accepted)
                throw new ChainRejectedException(chainId, submitted.Problems);
            return await AwaitAsync(chainId, timeout, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            var submit = new SubmitChain(chainId, appId, tasks.ToImmutableArray());
            for (var attempt = 1; ; attempt++)
            {
                _inbox.Value.Send(submit);
                // WaitAsync drops its timer as soon as the answer comes (a Task.Delay would stay queued for the whole timeout).
                if (await Answered(waiter.Answer.Task, _settings.AskTimeout, cancellationToken).ConfigureAwait(false)) break;
                if (attempt >= _settings.SubmitAttempts)
                    throw new AskTimeoutException($"submission of chain '{chainId}' was not answered within {_settings.AskTimeout} ({attempt} attempts)");
                await Task.Delay(_settings.RetryDelay, cancellationToken).ConfigureAwait(false); // safe to repeat: see SubmitAsync
            }
            if (waiter.Answer.Task.Result is Rejected rejected)
                throw new ChainRejectedException(chainId, rejected.Problems);

            var round = _settings.WatchRound < timeout ? _settings.WatchRound : timeout;
            if (await Answered(waiter.Finished.Task, round, cancellationToken).ConfigureAwait(false)) return waiter.Finished.Task.Result;
        }
        finally
        {
            _inbox.Value.Close(waiter);
        }
        var left = timeout - (DateTime.UtcNow - started);
        if (left <= TimeSpan.Zero) throw new TimeoutException($"chain '{chainId}' did not finish within {timeout}");
        return await AwaitAsync(chainId, left, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> Answered(Task answer, TimeSpan within, CancellationToken cancellationToken)
    {
        try
        {
            await answer.WaitAsync(within, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The chain's current state, or null when no chain with that id was ever accepted.</summary>
    public async Task<ChainStatus?> GetStatusAsync(string chainId, CancellationToken cancellationToken = default)
    {
        var reply = await _router.Ask<object>(new GetChainStatus(chainId), _settings.AskTimeout, cancellationToken).ConfigureAwait(false);
        return reply as ChainStatus;
    }

    public IMaterializer Materializer => _system.Materializer();
}

/// <summary>How patient the client is.</summary>
public sealed record ClientSettings
{
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int SubmitAttempts { get; init; } = 3;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan WatchRound { get; init; } = TimeSpan.FromSeconds(10);
}

public sealed record SubmitResult(string ChainId, bool Accepted, bool Duplicate, ImmutableArray<ValidationProblem> Problems)
{
    public string Reason => string.Join("; ", Problems.Select(p => p.ToString()));
}

public sealed class ChainRejectedException(string chainId, ImmutableArray<ValidationProblem> problems)
    : Exception($"chain '{chainId}' was rejected: {string.Join("; ", problems.Select(p => p.ToString()))}")
{
    public ImmutableArray<ValidationProblem> Problems { get; } = problems;
}

public sealed class ChainNotFoundException(string chainId, string reason) : Exception(reason)
{
    public string ChainId { get; } = chainId;
}
