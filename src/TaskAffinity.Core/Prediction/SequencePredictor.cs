using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Predicts the next task type by combining the variable-order <see cref="MarkovModel"/> with a
/// <see cref="NaiveBayesModel"/> over context features, weighted by their recent log-loss, and learns the
/// <see cref="ChainGraph"/> on the way. Every observation first scores the prediction it would have made
/// (<see cref="Stats"/>), then learns. Not thread-safe: one owner (the Predictor singleton) feeds it, and
/// schedulers read the compact <see cref="Transitions"/> table instead.
/// <para>
/// Combining: each model m keeps a discounted sum of its log-losses <c>S_m ← γ·S_m + ℓ_m</c>,
/// <c>ℓ_m = −ln max(p_m(next), ε)</c>, <c>γ = 2^(−1/LossHalfLife)</c>, and the mixture is
/// <c>p = Σ_m w_m·p_m</c> with <c>w_m ∝ exp(−S_m)</c>: Bayesian model averaging over the recent window
/// (the likelihood of the last ~LossHalfLife/ln 2 observations under each model), so the model that has
/// predicted the recent past better takes over decisively, and hands back when it starts to lose.
/// </para>
/// <para>
/// Drift: counts decay with <see cref="PredictionOptions.DecayHalfLife"/>, and when the combined loss jumps well
/// above its long-run level the <see cref="DriftDetector"/> makes both models forget most of the old regime at
/// once (O(1)), so a changed workload is learnt in hundreds of steps, not in several half-lives.
/// </para>
/// </summary>
public sealed class SequencePredictor
{
    private const double MinProbability = 1e-6;

    private readonly TypeIndex _types = new();
    private readonly Dictionary<string, int> _appIds = new(StringComparer.Ordinal);
    private readonly List<string> _apps = [];
    private readonly MarkovModel _markov;
    private readonly NaiveBayesModel _bayes;
    private readonly DriftDetector _drift;
    private readonly double _lossDiscount;
    private readonly int[] _history;
    private readonly ulong[] _keys = new ulong[NaiveBayesModel.FeatureCount];
    private double[] _pMarkov = new double[16];
    private double[] _pBayes = new double[16];
    private double _markovLoss, _bayesLoss;
    private long _observations, _correct, _changes, _correctOnChange;
    private double _recentLoss;

    public SequencePredictor(PredictionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        Options = options;
        _markov = new MarkovModel(options.MaxOrder, options.DecayHalfLife, _types);
        _bayes = new NaiveBayesModel(options.DecayHalfLife, _types);
        _drift = new DriftDetector(options);
        _lossDiscount = Math.Pow(2, -1 / options.LossHalfLife);
        _history = new int[options.MaxOrder];
        Chains = new ChainGraph(options.DecayHalfLife);
    }

    public PredictionOptions Options { get; }

    public ChainGraph Chains { get; }

    /// <summary>Weight of the Markov model in the mixture right now, in [0, 1] (the rest is naive Bayes).</summary>
    public double MarkovWeight => 1 / (1 + Math.Exp(_markovLoss - _bayesLoss));

    public PredictionStats Stats => new(
        _observations,
        _observations == 0 ? 0 : (double)_correct / _observations,
        _changes,
        _changes == 0 ? 0 : (double)_correctOnChange / _changes,
        _recentLoss);

    /// <summary>How many times a jump in the loss made the models forget most of the old regime.</summary>
    public long DriftsDetected => _drift.Detected;

    /// <summary>
    /// Scores the prediction for <paramref name="context"/> against <paramref name="next"/>, then learns from it.
    /// The chain graph is not touched: feed <see cref="Chains"/> with the bytes moved, or use the overload below.
    /// </summary>
    public void Observe(PredictionContext context, TaskType next) => Learn(context, next, null);

    /// <summary>As <see cref="Observe(PredictionContext, TaskType)"/>, and records the chain edge last → next with its bytes.</summary>
    public void Observe(PredictionContext context, TaskType next, long bytesMoved) => Learn(context, next, bytesMoved);

    private void Learn(PredictionContext context, TaskType next, long? bytesMoved)
    {
        ArgumentNullException.ThrowIfNull(context);
        var history = context.History.IsDefault ? [] : context.History;

        // ---- score: what Predict would have said, before learning ----
        var n = Ids(context, history, intern: false, out _);
        var nextId = _types.Find(next);
        var wMarkov = MarkovWeight;
        var top = 0;
        var topP = double.NegativeInfinity;
        for (var j = 1; j <= n; j++)
        {
            var p = wMarkov * _pMarkov[j] + (1 - wMarkov) * _pBayes[j];
            if (p > topP) { topP = p; top = j; }
        }
        var pm = nextId > 0 ? _pMarkov[nextId] : 0;
        var pb = nextId > 0 ? _pBayes[nextId] : 0;
        var lossMarkov = -Math.Log(Math.Max(pm, MinProbability));
        var lossBayes = -Math.Log(Math.Max(pb, MinProbability));
        var loss = -Math.Log(Math.Max(wMarkov * pm + (1 - wMarkov) * pb, MinProbability));

        var hit = top > 0 && top == nextId;
        _observations++;
        if (hit) _correct++;
        if (history.Length > 0 && history[^1] != next)
        {
            _changes++;
            if (hit) _correctOnChange++;
        }
        var alpha = Math.Max(1 - _lossDiscount, 1.0 / _observations); // plain mean until the window fills
        _recentLoss += alpha * (loss - _recentLoss);
        _markovLoss = _lossDiscount * _markovLoss + lossMarkov;
        _bayesLoss = _lossDiscount * _bayesLoss + lossBayes;
        if (_drift.Observe(loss, _observations))
        {
            _markov.Forget(DriftDetector.Keep);
            _bayes.Forget(DriftDetector.Keep);
        }

        // ---- learn ----
        Ids(context, history, intern: true, out _, predict: false);
        nextId = _types.Intern(next);
        _markov.Learn(_history.AsSpan(0, Math.Min(history.Length, Options.MaxOrder)), nextId);
        _bayes.Learn(_keys, nextId);
        if (history.Length > 0 && bytesMoved is { } bytes) Chains.Observe(history[^1], next, bytes);
    }

    /// <summary>
    /// The combined distribution of the next type; Empty before anything was observed. Confidence =
    /// P(top)·m/(m+1), m = decayed count of the longest Markov context matched (see <see cref="Distributions.From"/>).
    /// </summary>
    public NextTypeDistribution Predict(PredictionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var history = context.History.IsDefault ? [] : context.History;
        var n = Ids(context, history, intern: false, out var evidence);
        var wMarkov = MarkovWeight;
        var p = new double[n + 1];
        for (var j = 1; j <= n; j++) p[j] = wMarkov * _pMarkov[j] + (1 - wMarkov) * _pBayes[j];
        return Distributions.From(_types, p, n, evidence);
    }

    /// <summary>Order-1 transition table P(next | last) from the Markov model's order-1 counts.</summary>
    public TransitionTable Transitions() => _markov.Transitions();

    /// <summary>The full learned state (models, combiner, drift detector, stats, chain graph), JSON-friendly.</summary>
    public PredictorSnapshot ToSnapshot() => new(
        PredictorSnapshot.CurrentVersion,
        [.. _types.InIdOrder()],
        [.. _apps],
        _markov.ToSnapshot(),
        _bayes.ToSnapshot(),
        new CombinerSnapshot(_markovLoss, _bayesLoss, _drift.ShortLoss, _drift.LongLoss, _drift.Cooldown),
        new PredictionCounters(_observations, _correct, _changes, _correctOnChange, _recentLoss, _drift.Detected),
        Chains.ToSnapshot());

    public static SequencePredictor FromSnapshot(PredictorSnapshot snapshot, PredictionOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Version != PredictorSnapshot.CurrentVersion)
            throw new ArgumentException($"predictor snapshot version {snapshot.Version} is not {PredictorSnapshot.CurrentVersion}", nameof(snapshot));
        var predictor = new SequencePredictor(options);
        // ids must come back in the same order: counts and feature values are indexed by them
        foreach (var type in snapshot.Types.IsDefault ? [] : snapshot.Types) predictor._types.Intern(type);
        foreach (var app in snapshot.Apps.IsDefault ? [] : snapshot.Apps) predictor.App(app, intern: true);
        predictor._markov.Restore(snapshot.Markov);
        predictor._bayes.Restore(snapshot.Bayes);
        predictor.Chains.Restore(snapshot.Chains);
        var combiner = snapshot.Combiner;
        (predictor._markovLoss, predictor._bayesLoss) = (combiner.MarkovLoss, combiner.BayesLoss);
        predictor._drift.Restore(combiner.ShortLoss, combiner.LongLoss, combiner.Cooldown, snapshot.Counters.DriftsDetected);
        var c = snapshot.Counters;
        (predictor._observations, predictor._correct, predictor._changes, predictor._correctOnChange, predictor._recentLoss) =
            (c.Observations, c.Correct, c.TypeChanges, c.CorrectOnChange, c.RecentLogLoss);
        return predictor;
    }

    /// <summary>
    /// Fills the history ids (last K, oldest first) and the feature keys; unless <paramref name="predict"/> is
    /// false, also both models' predictions into the scratch arrays. Returns the number of known types.
    /// </summary>
    private int Ids(PredictionContext context, ImmutableArray<TaskType> history, bool intern, out double evidence, bool predict = true)
    {
        var take = Math.Min(history.Length, Options.MaxOrder);
        for (var i = 0; i < take; i++) _history[i] = Id(history[history.Length - take + i], intern);
        var last = history.Length > 0 ? Id(history[^1], intern) : 0;
        var previous = history.Length > 1 ? Id(history[^2], intern) : 0;
        var worker = context.WorkerLastType is { } w ? Id(w, intern) : 0;
        var app = context.AppId is { } a ? App(a, intern) : 0;
        NaiveBayesModel.Keys(last, previous, app, Math.Clamp(context.HourOfDay, 0, 23), worker, _keys);

        evidence = 0;
        var n = _types.Count;
        if (!predict || n == 0) return n;
        if (_pMarkov.Length <= n)
        {
            _pMarkov = new double[Math.Max(n + 1, _pMarkov.Length * 2)];
            _pBayes = new double[_pMarkov.Length];
        }
        _markov.PredictInto(_history.AsSpan(0, take), _pMarkov, out evidence);
        _bayes.PredictInto(_keys, _pBayes);
        return n;
    }

    private int Id(TaskType type, bool intern) => intern ? _types.Intern(type) : _types.Find(type);

    private int App(string app, bool intern)
    {
        if (_appIds.TryGetValue(app, out var id)) return id;
        if (!intern) return -1;
        _apps.Add(app);
        _appIds.Add(app, _apps.Count);
        return _apps.Count;
    }
}
