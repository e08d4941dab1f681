using System.Collections.Immutable;
using Akka.Actor;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>
/// A scheduler's picture of the workers, built from the statuses they publish. Between statuses it counts its
/// own placements, so a burst of tasks spreads out instead of piling onto the worker that last looked idle.
/// A worker not heard from for the stale interval counts as offline.
/// </summary>
/// <remarks>
/// Each worker keeps the position it was first heard at, and its candidate object is replaced only when
/// something about it changes, because the placement policy remembers what it worked out per position and
/// object (<c>PlacementIndex</c>): a decision then costs a few array reads per worker.
/// </remarks>
internal sealed class WorkerDirectory(TimeSpan staleAfter)
{
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private readonly List<WorkerCandidate> _current = [];
    private readonly List<DateTimeOffset> _heardAt = [];
    private readonly List<WorkerCandidate> _view = []; // _current with the stale ones offline, handed to the policy
    private readonly Dictionary<string, double> _heat = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _entities = new(StringComparer.Ordinal);
    // Admission's rules change only when a worker comes, goes or changes what it serves: not per submission.
    private AdmissionRules? _rules;
    private DateTimeOffset _rulesUntil; // when the first worker they count could go stale

    /// <summary>Heat changes smaller than this keep the candidates as they are, so the policy's per-object cache stays valid.</summary>
    public const double HeatStep = 0.02;

    public int Count => _current.Count;

    public void Update(WorkerStatus status, DateTimeOffset now)
    {
        var candidate = new WorkerCandidate(status.WorkerId, status.HostId, status.Online, status.ServedTypes,
            status.HostCapacity, status.Queued, status.Running, status.Token) { Slots = 1, Heat = _heat.GetValueOrDefault(status.HostId) };
        if (_positions.TryGetValue(status.WorkerId, out var i))
        {
            if (ChangesRules(_current[i], _heardAt[i], candidate, now)) _rules = null;
            (_current[i], _heardAt[i]) = (candidate, now);
            return;
        }
        _rules = null;
        _positions[status.WorkerId] = _current.Count;
        _current.Add(candidate);
        _heardAt.Add(now);
        _view.Add(candidate);
    }

    /// <summary>A host's heat from its resource monitor: its workers' candidates carry it from now on.</summary>
    public void UpdateHeat(string hostId, double heat)
    {
        if (_heat.TryGetValue(hostId, out var known) && Math.Abs(known - heat) < HeatStep) return;
        _heat[hostId] = heat;
        for (var i = 0; i < _current.Count; i++)
            if (_current[i].HostId == hostId)
                _current[i] = _current[i] with { Heat = heat };
    }

    /// <summary>Remembers the worker's entity; true when it is one not seen before (to be watched).</summary>
    public bool NoteEntity(string workerId, IActorRef entity)
    {
        if (_entities.TryGetValue(workerId, out var known) && known.Equals(entity)) return false;
        _entities[workerId] = entity;
        return true;
    }

    /// <summary>An entity stopped (passivated, moved, its node left): its worker is reached through the region again.</summary>
    public void ForgetEntity(IActorRef entity)
    {
        foreach (var (workerId, known) in _entities)
            if (known.Equals(entity))
            {
                _entities.Remove(workerId);
                return;
            }
    }

    /// <summary>The worker's live entity, as last published, or null when only its shard region can reach it.</summary>
    public IActorRef? EntityOf(string workerId) => _entities.GetValueOrDefault(workerId);

    public double HeatOf(string hostId) => _heat.GetValueOrDefault(hostId);

    public void NoteAssigned(string workerId)
    {
        if (_positions.TryGetValue(workerId, out var i))
            _current[i] = _current[i] with { Queued = _current[i].Queued + 1 };
    }

    /// <summary>The worker as last reported and assigned to (null for a worker never heard of).</summary>
    public WorkerCandidate? Find(string workerId) => _positions.TryGetValue(workerId, out var i) ? _current[i] : null;

    /// <summary>
    /// Every worker as of <paramref name="now"/>, each at its own position. The list is the directory's own and
    /// changes with the next update: read it before then (the scheduler actor does, within one message).
    /// </summary>
    public IReadOnlyList<WorkerCandidate> Candidates(DateTimeOffset now)
    {
        for (var i = 0; i < _current.Count; i++)
        {
            var candidate = _current[i];
            _view[i] = candidate.Online && now - _heardAt[i] > staleAfter ? candidate with { Online = false } : candidate;
        }
        return _view;
    }

    private bool ChangesRules(WorkerCandidate before, DateTimeOffset heardAt, WorkerCandidate now, DateTimeOffset at) =>
        before.Online != now.Online || before.HostCapacity != now.HostCapacity || at - heardAt > staleAfter
        || (!ReferenceEquals(before.ServedTypes, now.ServedTypes) && !before.ServedTypes.SetEquals(now.ServedTypes));

    /// <summary>What admission needs: the types some online worker serves and the largest host in each dimension.</summary>
    public AdmissionRules Rules(int maxTasksPerChain, DateTimeOffset now)
    {
        if (_rules is { } known && known.MaxTasksPerChain == maxTasksPerChain && now <= _rulesUntil) return known;
        var online = Candidates(now).Where(c => c.Online).ToList();
        var largest = online.Aggregate(ResourceVector.Zero, (max, c) => max.Max(c.HostCapacity));
        _rulesUntil = DateTimeOffset.MaxValue;
        for (var i = 0; i < _current.Count; i++)
            if (_view[i].Online && _heardAt[i] + staleAfter < _rulesUntil)
                _rulesUntil = _heardAt[i] + staleAfter;
        return _rules = new AdmissionRules(online.SelectMany(c => c.ServedTypes).ToImmutableHashSet(), largest, maxTasksPerChain);
    }
}
