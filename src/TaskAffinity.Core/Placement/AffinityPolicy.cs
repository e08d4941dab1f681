using TaskAffinity.Core.Affinity;
using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// Our policy: place each task where its type runs best, on a host that is not hot, on a worker already on the
/// task's path, near its data — without letting the best worker's queue grow.
/// </summary>
/// <remarks>
/// <para><b>Score</b> of an eligible worker w (<see cref="WorkerCandidate.CanRun"/>) for a task of type t:</para>
/// <code>
/// score(w) = a · (1 − h) · c · k · λ
///   a = AffinityMap.Score(w, t)            learned affinity in [0, 1]; the type's prior for an unseen pair
///   h = clamp(heat(w), 0, 1)               a saturated host scores 0
///   c = β + (1 − β) · P(t | last(w))       continuity: P from the order-1 TransitionTable and the worker's token
///                                          (the marginal P(t) when the token has no last type); β = ContinuityFloor
///   k = 1 − κ + κ · cached(w)              share of the inputs already on w's host; κ = CacheWeight
///   λ = 1 / (1 + L · ρ / R)                ρ = load / slots; L = LoadWeight, R = MaxQueuePerSlot
/// </code>
/// <para><b>Room.</b> A worker has room while load &lt; R · slots. The best score among the workers with room wins
/// (equal scores shared by a stable hash of chain and task). λ lets load tip the choice between workers of
/// similar affinity; room is the hard limit that stops a pile-up on the best worker: when it is full, the next
/// best takes the overflow. If no eligible worker has room, the one with the least load per slot is chosen (ties
/// by score), so a cluster over capacity fills evenly instead of stacking on the favourite.</para>
/// <para><b>Exploration.</b> ε-greedy, directed: a placement explores when
/// <c>StableHash.Fraction(seed, chain, task, attempt) &lt; ε</c> (ε = <c>AffinityOptions.ExplorationShare</c>), and
/// then goes to the worker with room that has run the type <i>least often</i> (an unseen pair or a new worker
/// first; ties by hash). Why this rule: the share of placements that may go to a worse worker is capped at ε by
/// construction (an optimism bonus such as UCB has no such cap while counts are low); the hash draw keeps the
/// policy pure and a replay exact, with no counter shared between schedulers; and directing the ε share at the
/// least-observed worker spends it where it teaches the most, instead of on pairs that are already well known.
/// A new worker with room is therefore reached after a geometric number of placements, mean 1/ε (20 at the
/// default 0.05), and within ln(1000)/ε (139) with probability 0.999.</para>
/// </remarks>
public sealed class AffinityPolicy : IPlacementPolicy
{
    public const string PolicyName = "affinity";
    /// <summary>How the reason of an exploring decision starts.</summary>
    public const string ExploreReason = "exploring";

    private readonly PlacementModel _model;
    private readonly AffinityPolicyOptions _options;
    private readonly int _seed;
    private readonly string _exploreSalt;
    private readonly Dictionary<(TaskType From, TaskType To), double> _transitions = new();
    private readonly HashSet<TaskType> _knownFrom = new();
    private readonly Dictionary<TaskType, double> _marginal = new();

    public AffinityPolicy() : this(PlacementModel.Empty) { }

    public AffinityPolicy(PlacementModel model) : this(model, AffinityPolicyOptions.Default) { }

    public AffinityPolicy(PlacementModel model, AffinityPolicyOptions options, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        (_model, _options, _seed, _exploreSalt) = (model, options, seed, $"explore-{seed}");

        // index the table once per model, so a decision costs a hash lookup per worker, not a scan
        foreach (var row in model.Transitions.Rows.IsDefault ? [] : model.Transitions.Rows)
        {
            if (!_knownFrom.Add(row.From)) continue;
            foreach (var next in model.Transitions.Next(row.From).Probabilities)
                _transitions[(row.From, next.Type)] = next.Probability;
        }
        foreach (var next in model.Transitions.Marginal().Probabilities)
            _marginal[next.Type] = next.Probability;
    }

    public string Name => PolicyName;

    public PlacementModel Model => _model;

    public double ExplorationShare => _model.Affinity.Options.ExplorationShare;

    public IPlacementPolicy WithModel(PlacementModel model) => new AffinityPolicy(model, _options, _seed);

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        // One pass, no sorting and no per-candidate allocation: this runs for every task (see PlacementBenchmarks).
        // Ties are broken by a hash of (worker, chain, task), so the input order never changes a decision.
        var type = request.Task.Type;
        var scores = _model.Affinity.ForType(type);
        var explore = CandidateRanking.Fraction(_exploreSalt, request) < ExplorationShare;
        Scored? best = null, leastKnown = null, leastFull = null;
        var top = new TopScores();
        int eligible = 0, withRoom = 0;
        foreach (var c in candidates)
        {
            if (!c.CanRun(request.Task)) continue;
            var s = Score(c, type, scores);
            eligible++;
            top.Offer(s);
            if (s.HasRoom)
            {
                withRoom++;
                if (best is null || Better(s.Score, best.Value.Score, s, best.Value, request)) best = s;
                if (explore && (leastKnown is null || s.Samples < leastKnown.Value.Samples
                                || (s.Samples == leastKnown.Value.Samples && TieWins(s, leastKnown.Value, request))))
                    leastKnown = s;
            }
            else if (leastFull is null || s.LoadPerSlot < leastFull.Value.LoadPerSlot
                     || (s.LoadPerSlot == leastFull.Value.LoadPerSlot && Better(s.Score, leastFull.Value.Score, s, leastFull.Value, request)))
                leastFull = s;
        }
        if (eligible == 0)
            return PlacementDecision.None(Name, LeastLoadedPolicy.NoCandidateReason(request.Task, candidates));

        Scored chosen;
        string reason;
        if (withRoom == 0)
        {
            // over capacity everywhere: fill evenly (least load per slot), the best score among equals
            chosen = leastFull!.Value;
            reason = $"all {eligible} eligible workers are full (≥ {_options.MaxQueuePerSlot} per slot); least loaded per slot";
        }
        else if (explore)
        {
            chosen = leastKnown!.Value;
            reason = $"{ExploreReason} (share {ExplorationShare:0.###}): {chosen.Candidate.WorkerId} has run '{type.Name}' {chosen.Samples} times, the fewest of {withRoom} workers with room";
        }
        else
        {
            chosen = best!.Value;
            reason = $"highest score {chosen.Score:0.###} of {withRoom} eligible workers with room ({eligible} eligible)";
        }
        return new PlacementDecision(chosen.Candidate.WorkerId, Name, top.Explain(chosen, Explain), reason);
    }

    /// <summary>Higher score wins; scores within 1e-9 are ties, shared out by the hash.</summary>
    private static bool Better(double score, double than, Scored s, Scored other, PlacementRequest request) =>
        score - than > 1e-9 || (Math.Abs(score - than) <= 1e-9 && TieWins(s, other, request));

    private static bool TieWins(Scored s, Scored other, PlacementRequest request)
    {
        var mine = StableHash.Of(s.Candidate.WorkerId, request.ChainId, request.Task.Id);
        var theirs = StableHash.Of(other.Candidate.WorkerId, request.ChainId, request.Task.Id);
        return mine < theirs || (mine == theirs && string.CompareOrdinal(s.Candidate.WorkerId, other.Candidate.WorkerId) < 0);
    }

    private Scored Score(WorkerCandidate c, TaskType type, TypeScores scores)
    {
        var slots = Math.Max(c.Slots, 1);
        var affinity = scores.Score(c.WorkerId);
        var heat = Math.Clamp(double.IsFinite(c.Heat) ? c.Heat : 1, 0, 1);
        var nextP = NextProbability(c.Token?.LastTaskType, type);
        var continuity = _options.ContinuityFloor + (1 - _options.ContinuityFloor) * nextP;
        var cached = Math.Clamp(double.IsFinite(c.CachedInputFraction) ? c.CachedInputFraction : 0, 0, 1);
        var cache = 1 - _options.CacheWeight + _options.CacheWeight * cached;
        var loadPerSlot = (double)c.Load / slots;
        var load = 1 / (1 + _options.LoadWeight * loadPerSlot / _options.MaxQueuePerSlot);

        var score = affinity * (1 - heat) * continuity * cache * load;
        var hasRoom = c.Load < _options.MaxQueuePerSlot * slots;
        return new Scored(c, score, affinity, heat, nextP, continuity, cache, load, loadPerSlot, hasRoom, scores.Samples(c.WorkerId));
    }

    private double NextProbability(TaskType? last, TaskType next) =>
        last is { } from && _knownFrom.Contains(from)
            ? _transitions.GetValueOrDefault((from, next))
            : _marginal.GetValueOrDefault(next);

    private static CandidateScore Explain(Scored s) => new(s.Candidate.WorkerId, s.Score, CandidateRanking.Terms(
        ("affinity", s.Affinity), ("heat", s.Heat), ("nextTypeP", s.NextP), ("continuity", s.Continuity),
        ("cache", s.Cache), ("load", s.Load), ("room", s.HasRoom ? 1 : 0), ("samples", s.Samples)));

    /// <summary>The best three by score (ties by id) seen in the pass, for the explanation.</summary>
    private struct TopScores
    {
        private Scored? _first, _second, _third;

        public void Offer(Scored s)
        {
            if (Ahead(s, _first)) (_first, _second, _third) = (s, _first, _second);
            else if (Ahead(s, _second)) (_second, _third) = (s, _second);
            else if (Ahead(s, _third)) _third = s;
        }

        private static bool Ahead(Scored s, Scored? than) =>
            than is not { } t || s.Score > t.Score || (s.Score == t.Score && string.CompareOrdinal(s.Candidate.WorkerId, t.Candidate.WorkerId) < 0);

        /// <summary>The chosen candidate first, then the best others.</summary>
        public readonly ImmutableArray<CandidateScore> Explain(Scored chosen, Func<Scored, CandidateScore> explain)
        {
            var builder = ImmutableArray.CreateBuilder<CandidateScore>(CandidateRanking.Explained);
            builder.Add(explain(chosen));
            foreach (var other in new[] { _first, _second, _third })
                if (other is { } o && o.Candidate.WorkerId != chosen.Candidate.WorkerId && builder.Count < CandidateRanking.Explained)
                    builder.Add(explain(o));
            return builder.ToImmutable();
        }
    }

    private readonly record struct Scored(WorkerCandidate Candidate, double Score, double Affinity, double Heat,
        double NextP, double Continuity, double Cache, double Load, double LoadPerSlot, bool HasRoom, long Samples);
}
