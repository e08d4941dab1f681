using TaskAffinity.Core.Affinity;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// Our policy: place each task where its type runs best, on a host that is not hot, on a worker already on the
/// task's path, near its data — without letting the best worker's queue grow.
/// </summary>
/// <remarks>
/// <para><b>Score</b> of an eligible worker w (<see cref="WorkerCandidate.CanRun"/>) for a task of type t:</para>
/// <code>
/// score(w) = a · (1 − 0.9·h) · c · k · λ
///   a = AffinityMap.Score(w, t)            learned affinity in [0, 1]; the type's prior for an unseen pair
///   h = clamp(heat(w), 0, 1)               a saturated host scores a tenth, its workers still ranked
///   c = β + (1 − β) · P(t | last(w))       continuity: P from the order-1 TransitionTable and the worker's token
///                                          (the marginal P(t) when the token has no last type); β = ContinuityFloor
///   k = 1 − κ + κ · cached(w)              share of the inputs already on w's host (PlacementRequest.CachedFor); κ = CacheWeight
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
    private readonly PlacementIndex _index;

    public AffinityPolicy() : this(PlacementModel.Empty) { }

    public AffinityPolicy(PlacementModel model) : this(model, AffinityPolicyOptions.Default) { }

    public AffinityPolicy(PlacementModel model, AffinityPolicyOptions options, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        (_model, _options, _seed, _exploreSalt) = (model, options, seed, $"explore-{seed}");

        _index = new PlacementIndex(model, TermsOf);
    }

    public string Name => PolicyName;

    public PlacementModel Model => _model;

    public double ExplorationShare => _model.Affinity.Options.ExplorationShare;

    public IPlacementPolicy WithModel(PlacementModel model) => new AffinityPolicy(model, _options, _seed);

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        // One pass that keeps only indices and numbers, no sorting, no allocation per candidate: this runs for
        // every task (see PlacementBenchmarks). The full terms are computed again for the few explained.
        // Ties are broken by a hash of (worker, chain, task), so the input order never changes a decision.
        var type = request.Task.Type;
        var t = _index.TypeOf(type);
        var prior = _model.Affinity.Prior(type);
        var explore = CandidateRanking.Fraction(_exploreSalt, request) < ExplorationShare;
        int best = -1, leastKnown = -1, leastFull = -1, eligible = 0, withRoom = 0;
        double bestScore = 0, fullScore = 0, fullLoad = 0;
        long fewest = 0;
        var top = new TopScores();
        var needs = request.Task.Resources;
        var all = AsSpan(candidates);
        for (var i = 0; i < all.Length; i++)
        {
            var c = all[i];
            // the same test as WorkerCandidate.CanRun, with the served type read from the index
            if (!c.Online) continue;
            ref readonly var facts = ref _index.FactsOf(c, i);
            if (!PlacementIndex.Serves(c, facts, t, type) || !needs.FitsWithin(c.HostCapacity)) continue;
            var score = _index.Score(t, facts, prior) * Continuity(_index.Next(facts, t)) * Cache(request.CachedFor(c)) * facts.Terms.Product;
            var (loadPerSlot, hasRoom) = (facts.Terms.LoadPerSlot, facts.Terms.HasRoom);
            eligible++;
            top.Offer(i, score, candidates);
            if (hasRoom)
            {
                withRoom++;
                if (best < 0 || Better(score, bestScore, c, candidates[best], request)) (best, bestScore) = (i, score);
                if (explore)
                {
                    var samples = _index.Samples(t, facts);
                    if (leastKnown < 0 || samples < fewest || (samples == fewest && TieWins(c, candidates[leastKnown], request)))
                        (leastKnown, fewest) = (i, samples);
                }
            }
            else if (leastFull < 0 || loadPerSlot < fullLoad
                     || (loadPerSlot == fullLoad && Better(score, fullScore, c, candidates[leastFull], request)))
                (leastFull, fullScore, fullLoad) = (i, score, loadPerSlot);
        }
        if (eligible == 0)
            return PlacementDecision.None(Name, LeastLoadedPolicy.NoCandidateReason(request.Task, candidates));

        int chosen;
        string reason;
        if (withRoom == 0)
        {
            // over capacity everywhere: fill evenly (least load per slot), the best score among equals
            chosen = leastFull;
            reason = $"all {eligible} eligible workers are full (≥ {_options.MaxQueuePerSlot} per slot); least loaded per slot";
        }
        else if (explore)
        {
            chosen = leastKnown;
            reason = $"{ExploreReason} (share {ExplorationShare:0.###}): {candidates[chosen].WorkerId} has run '{type.Name}' {fewest} times, the fewest of {withRoom} workers with room";
        }
        else
        {
            chosen = best;
            reason = $"highest score {bestScore:0.###} of {withRoom} eligible workers with room ({eligible} eligible)";
        }
        var explained = top.Explain(chosen, i => Explain(Full(candidates[i], i, t, prior, request.CachedFor(candidates[i]))));
        return new PlacementDecision(candidates[chosen].WorkerId, Name, explained, reason);
    }

    private static ReadOnlySpan<WorkerCandidate> AsSpan(IReadOnlyList<WorkerCandidate> candidates) => candidates switch
    {
        WorkerCandidate[] array => array,
        List<WorkerCandidate> list => CollectionsMarshal.AsSpan(list),
        _ => candidates.ToArray(),
    };

    /// <summary>Higher score wins; scores within 1e-9 are ties, shared out by the hash.</summary>
    private static bool Better(double score, double than, WorkerCandidate c, WorkerCandidate other, PlacementRequest request) =>
        score - than > 1e-9 || (Math.Abs(score - than) <= 1e-9 && TieWins(c, other, request));

    private static bool TieWins(WorkerCandidate c, WorkerCandidate other, PlacementRequest request)
    {
        var mine = StableHash.Of(c.WorkerId, request.ChainId, request.Task.Id);
        var theirs = StableHash.Of(other.WorkerId, request.ChainId, request.Task.Id);
        return mine < theirs || (mine == theirs && string.CompareOrdinal(c.WorkerId, other.WorkerId) < 0);
    }

    /// <summary>Every term of a candidate's score, for the explanation; the same product as the pass in <see cref="Place"/>.</summary>
    private Scored Full(WorkerCandidate c, int position, int t, double prior, double cached)
    {
        ref readonly var facts = ref _index.FactsOf(c, position);
        var (affinity, nextP, cache, terms) = (_index.Score(t, facts, prior), _index.Next(facts, t), Cache(cached), facts.Terms);
        var continuity = Continuity(nextP);
        var score = affinity * continuity * cache * terms.Product;
        return new Scored(c, score, affinity, terms.Heat, nextP, continuity, cache, terms.Load, terms.LoadPerSlot, terms.HasRoom,
            _index.Samples(t, facts));
    }

    /// <summary>The terms that depend on the candidate alone; the index keeps them per candidate object.</summary>
    private CandidateTerms TermsOf(WorkerCandidate c)
    {
        var load = Load(c, out var loadPerSlot, out var hasRoom);
        return new CandidateTerms(Heat(c), load, loadPerSlot, hasRoom);
    }

    /// <summary>
    /// A host's heat's factor in the score, 1 − 0.9·h: a saturated host scores a tenth of a cool one, not 0. At 0,
    /// every worker of a cluster whose hosts all run flat out (what CPU-bound work does) scored 0 and tied, and
    /// placements were shared out by hash, as if nothing had been learned.
    /// </summary>
    public static double HeatFactor(double heat) => 1 - 0.9 * heat;

    // h = clamp(heat, 0, 1); a non-finite heat counts as saturated
    private static double Heat(WorkerCandidate c) =>
        c.Heat is >= 0 and <= 1 ? c.Heat : Math.Clamp(double.IsFinite(c.Heat) ? c.Heat : 1, 0, 1);

    // c = β + (1 − β) · P(t | last)
    private double Continuity(double nextP) => _options.ContinuityFloor + (1 - _options.ContinuityFloor) * nextP;

    // k = 1 − κ + κ · cached
    private double Cache(double cached)
    {
        cached = cached is >= 0 and <= 1 ? cached : Math.Clamp(double.IsFinite(cached) ? cached : 0, 0, 1);
        return 1 - _options.CacheWeight + _options.CacheWeight * cached;
    }

    // λ = 1 / (1 + L · ρ / R) with ρ = load / slots; a worker has room while load < R · slots
    private double Load(WorkerCandidate c, out double loadPerSlot, out bool hasRoom)
    {
        var slots = Math.Max(c.Slots, 1);
        loadPerSlot = (double)c.Load / slots;
        hasRoom = c.Load < _options.MaxQueuePerSlot * slots;
        return 1 / (1 + _options.LoadWeight * loadPerSlot / _options.MaxQueuePerSlot);
    }

    private static CandidateScore Explain(Scored s) => new(s.Candidate.WorkerId, s.Score, CandidateRanking.Terms(
        ("affinity", s.Affinity), ("heat", s.Heat), ("nextTypeP", s.NextP), ("continuity", s.Continuity),
        ("cache", s.Cache), ("load", s.Load), ("room", s.HasRoom ? 1 : 0), ("samples", s.Samples)));

    /// <summary>The best three by score (ties by id) seen in the pass, as candidate indices, for the explanation.</summary>
    private struct TopScores
    {
        private (int Index, double Score) _first = (-1, 0), _second = (-1, 0), _third = (-1, 0);

        public TopScores() { }

        public void Offer(int index, double score, IReadOnlyList<WorkerCandidate> candidates)
        {
            if (Ahead(index, score, _first, candidates)) (_first, _second, _third) = ((index, score), _first, _second);
            else if (Ahead(index, score, _second, candidates)) (_second, _third) = ((index, score), _second);
            else if (Ahead(index, score, _third, candidates)) _third = (index, score);
        }

        private static bool Ahead(int index, double score, (int Index, double Score) than, IReadOnlyList<WorkerCandidate> candidates) =>
            than.Index < 0 || score > than.Score
            || (score == than.Score && string.CompareOrdinal(candidates[index].WorkerId, candidates[than.Index].WorkerId) < 0);

        /// <summary>The chosen candidate first, then the best others.</summary>
        public readonly ImmutableArray<CandidateScore> Explain(int chosen, Func<int, CandidateScore> explain)
        {
            var builder = ImmutableArray.CreateBuilder<CandidateScore>(CandidateRanking.Explained);
            builder.Add(explain(chosen));
            foreach (var (index, _) in new[] { _first, _second, _third })
                if (index >= 0 && index != chosen && builder.Count < CandidateRanking.Explained)
                    builder.Add(explain(index));
            return builder.ToImmutable();
        }
    }

    private readonly record struct Scored(WorkerCandidate Candidate, double Score, double Affinity, double Heat,
        double NextP, double Continuity, double Cache, double Load, double LoadPerSlot, bool HasRoom, long Samples);
}
