using TaskAffinity.Core;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Simulation.Engine;

/// <summary>One simulated host: its slots, what a task may use, and how fast it runs each task type.</summary>
public sealed record SimHost(string Id, int Slots, ResourceVector Capacity);

/// <summary>
/// The simulated cluster: hosts, a shared data store (latency plus bytes at a bandwidth per fetch) and a
/// byte-bounded cache per host. A task's time on a host is its reference duration times the host's speed
/// factor for the type: drawn once per (host, type) from a seeded log-normal spread (σ = <see cref="Spread"/>),
/// so the same seed gives the same cluster, unless the trace says which machine ran what.
/// </summary>
public sealed record SimCluster
{
    public required IReadOnlyList<SimHost> Hosts { get; init; }
    public double Spread { get; init; } = 0.5;
    public int Seed { get; init; } = 42;
    public TimeSpan StoreLatency { get; init; } = TimeSpan.FromMilliseconds(3);
    public double StoreBandwidthMBps { get; init; } = 800;
    public long CacheBytesPerHost { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Recorded factors, from a trace that says which machine ran what (host id, type) → factor; see <see cref="RecordedSpeeds.MapOnto"/>.</summary>
    public IReadOnlyDictionary<(string Host, TaskType Type), double>? Recorded { get; init; }

    /// <summary>n hosts named host-00.. with the given slots each and 8 cores, 16 GiB.</summary>
    public static SimCluster Uniform(int hosts, int slots, double spread = 0.5, int seed = 42) => new()
    {
        Hosts = [.. Enumerable.Range(0, hosts).Select(i => new SimHost($"host-{i:D2}", slots, new ResourceVector(8, 16_384, 1000, 1000, 0)))],
        Spread = spread,
        Seed = seed,
    };

    /// <summary>The factor by which <paramref name="host"/> stretches the reference duration of <paramref name="type"/>.</summary>
    public double SpeedFactor(string host, TaskType type)
    {
        if (Recorded is not null && Recorded.TryGetValue((host, type), out var recorded)) return recorded;
        if (Spread <= 0) return 1;
        // a standard normal from two stable uniforms (Box–Muller), so the factor depends on seed, host and type only
        var u1 = Math.Max(StableHash.Fraction($"{Seed}", host, type.Name), 1e-12);
        var u2 = StableHash.Fraction($"{Seed}/2", host, type.Name);
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Exp(Spread * z);
    }

    /// <summary>Seconds to fetch <paramref name="bytes"/> from the store.</summary>
    public double FetchSeconds(long bytes) => StoreLatency.TotalSeconds + bytes / (StoreBandwidthMBps * 1_000_000);
}
