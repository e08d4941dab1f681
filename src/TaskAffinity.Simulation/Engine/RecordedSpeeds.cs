using System.Collections.Immutable;
using System.Globalization;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

/// <summary>
/// Speed factors per (machine, task type) taken from a trace that records which machine ran each task and
/// how long it took (WfFormat does: a task's <c>machines</c> and <c>runtimeInSeconds</c>).
/// </summary>
/// <remarks>
/// <para><c>factor(m, t) = mean runtime of t on m / mean runtime of t over all its recorded runs</c>, so a
/// machine that ran a type in average time has factor 1.</para>
/// <para>A recorded runtime already contains its machine's speed, while the simulator multiplies a task's
/// reference duration by the factor of the host it runs on; so <see cref="Normalise"/> turns each recorded
/// runtime into a reference duration, <c>runtime / factor(m, t)</c>, and a task replayed on the host its
/// machine maps to takes its recorded time again.</para>
/// <para><see cref="MapOnto"/> maps the machines, in ordinal order of their names, onto the simulated hosts
/// round-robin; a host that several machines map to gets their pooled mean. Pairs the trace does not record
/// keep the cluster's seeded log-normal factor.</para>
/// </remarks>
public sealed class RecordedSpeeds
{
    private readonly Dictionary<(string Machine, TaskType Type), (double Sum, int Count)> _runs;
    private readonly Dictionary<TaskType, double> _typeMean;

    private RecordedSpeeds(Dictionary<(string, TaskType), (double, int)> runs)
    {
        _runs = runs;
        _typeMean = runs.GroupBy(r => r.Key.Item2)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Value.Item1) / g.Sum(r => r.Value.Item2));
        Machines = [.. runs.Keys.Select(k => k.Item1).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>The machines named in the trace, in the order they map onto hosts.</summary>
    public ImmutableArray<string> Machines { get; }

    /// <summary>How many (machine, type) pairs have a recorded factor.</summary>
    public int Pairs => _runs.Count;

    /// <summary>The factors recorded by <paramref name="chains"/>, or null when no task names its machine.</summary>
    public static RecordedSpeeds? Learn(IEnumerable<TraceChain> chains)
    {
        var runs = new Dictionary<(string, TaskType), (double Sum, int Count)>();
        foreach (var task in chains.SelectMany(c => c.Tasks))
        {
            if (task.Host is not { Length: > 0 } machine) continue;
            var (sum, count) = runs.GetValueOrDefault((machine, task.Type));
            runs[(machine, task.Type)] = (sum + task.DurationS, count + 1);
        }
        return runs.Count == 0 ? null : new RecordedSpeeds(runs);
    }

    /// <summary>factor(m, t), or null when the pair is not recorded or its runs took no time (a factor of 0 says nothing about speed).</summary>
    public double? Factor(string machine, TaskType type) =>
        _runs.TryGetValue((machine, type), out var r) ? Ratio(r.Sum, r.Count, type) : null;

    /// <summary>The chain with each recorded runtime turned into a reference duration: runtime / factor(machine, type).</summary>
    public TraceChain Normalise(TraceChain chain) => chain with
    {
        Tasks = [.. chain.Tasks.Select(t => t.Host is { } m && Factor(m, t.Type) is { } f ? t with { DurationS = t.DurationS / f } : t)],
    };

    /// <summary>The cluster with the recorded factors on the hosts the machines map to (machine i → host i mod hosts).</summary>
    public SimCluster MapOnto(SimCluster cluster)
    {
        var recorded = new Dictionary<(string Host, TaskType Type), double>();
        foreach (var group in _runs.GroupBy(r => (Host: HostOf(r.Key.Machine, cluster), r.Key.Type)))
        {
            // pooled mean of every machine mapped to the host, relative to the type's mean
            if (Ratio(group.Sum(r => r.Value.Sum), group.Sum(r => r.Value.Count), group.Key.Type) is { } factor)
                recorded[group.Key] = factor;
        }
        return cluster with { Recorded = recorded };
    }

    /// <summary>One line for the report: which machine became which host.</summary>
    public string Describe(SimCluster cluster)
    {
        var machines = string.Join(", ", Machines.Select(m => $"{m} → {HostOf(m, cluster)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"Speed factors of {Pairs} (machine, type) pairs are taken from the trace (mean runtime on the machine / mean of the type), machines mapped to hosts {machines}; every other (host, type) pair draws its factor from the log-normal spread (σ {cluster.Spread}).");
    }

    private string HostOf(string machine, SimCluster cluster) => cluster.Hosts[Machines.IndexOf(machine) % cluster.Hosts.Count].Id;

    private double? Ratio(double sum, int count, TaskType type)
    {
        var mean = _typeMean[type];
        return mean > 0 && count > 0 && sum > 0 ? sum / count / mean : null;
    }
}
