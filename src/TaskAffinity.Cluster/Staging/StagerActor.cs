using Akka.Actor;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Prefetch;
using static TaskAffinity.Cluster.Staging.StagingProtocol;

namespace TaskAffinity.Cluster.Staging;

/// <summary>
/// Stages the inputs of tasks expected on this node into its cache, asynchronously. What to fetch is the
/// planner's decision (<see cref="PrefetchPlanner"/>: confidence, benefit against cost, byte and concurrency
/// budgets); this actor keeps what did not fit the budget yet, starts fetches, retries a failed one with
/// doubling back-off and then gives up quietly. A real task never waits on the stager: it reads through
/// <see cref="HostData"/>, which only joins a fetch already under way.
/// </summary>
internal sealed class StagerActor : ReceiveActor, IWithTimers
{
    private const int MaxWaiting = 1024; // candidates kept for later when over budget; the oldest go first

    private readonly HostData _data;
    private readonly PrefetchSettings _settings;
    private readonly PrefetchMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LinkedList<PrefetchCandidate> _waiting = new();
    private readonly CancellationTokenSource _stopping = new();

    public StagerActor(HostData data, PrefetchSettings settings, PrefetchMetrics metrics)
    {
        _data = data;
        _settings = settings;
        _metrics = metrics;

        Receive<StageInputs>(stage =>
        {
            _metrics.StageRequested(stage.Candidates.Length);
            foreach (var candidate in stage.Candidates)
                _waiting.AddLast(candidate);
            while (_waiting.Count > MaxWaiting) _waiting.RemoveFirst();
            Plan();
        });
        Receive<Fetched>(OnFetched);
        Receive<Retry>(retry => Start(retry.Candidate, retry.Attempt));
        Receive<GetStagerStats>(_ => Sender.Tell(_metrics.Report(_data)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop() => _stopping.Cancel();

    private void Plan()
    {
        if (_waiting.Count == 0) return;
        var plan = PrefetchPlanner.Plan(_waiting, _data.PlannerState(), _settings.Planner);
        _waiting.Clear();
        foreach (var (candidate, reason) in plan.Skipped)
        {
            if (reason == SkipReason.OverBudget) _waiting.AddLast(candidate); // tried again when a fetch ends
            else _metrics.StageSkipped(reason);
        }
        foreach (var candidate in plan.Fetch)
            Start(candidate, attempt: 1);
    }

    private void Start(PrefetchCandidate candidate, int attempt)
    {
        _metrics.FetchStarted(attempt);
        var self = Self;
        _data.StageAsync(candidate.Data, _settings.FetchTimeout, _stopping.Token)
            .PipeTo(self, success: () => new Fetched(candidate, attempt, null), failure: e => new Fetched(candidate, attempt, e));
    }

    private void OnFetched(Fetched fetched)
    {
        if (fetched.Error is null)
            _metrics.FetchSucceeded(fetched.Candidate.Data.SizeBytes);
        else if (fetched.Attempt < _settings.FetchAttempts)
        {
            var backoff = _settings.RetryBackoff * Math.Pow(2, fetched.Attempt - 1);
            _metrics.FetchFailed();
            Timers.StartSingleTimer(("retry", fetched.Candidate.Data.Key), new Retry(fetched.Candidate, fetched.Attempt + 1), backoff);
        }
        else
        {
            _metrics.FetchGaveUp();
            _log.Debug("Stager: gave up staging {0} after {1} attempts: {2}", fetched.Candidate.Data.Key, fetched.Attempt, fetched.Error.Message);
        }
        Plan();
    }

    private sealed record Fetched(PrefetchCandidate Candidate, int Attempt, Exception? Error);

    private sealed record Retry(PrefetchCandidate Candidate, int Attempt);
}
