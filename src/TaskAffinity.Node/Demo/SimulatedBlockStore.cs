using Akka.Configuration;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Node.Demo;

/// <summary>Latency and bandwidth of the simulated store; defaults are those of a network block store.</summary>
public sealed record BlockStoreSettings
{
    /// <summary>Time to first byte of a read.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>Sustained read bandwidth shared by all concurrent reads, in MB/s.</summary>
    public double BandwidthMBps { get; init; } = 800;

    /// <summary>Share of task attempts that fail with a transient fault (retried by the chain).</summary>
    public double FailureRate { get; init; } = 0.01;

    /// <summary>What an operation spends computing after reading its input.</summary>
    public TimeSpan ComputeTime { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Reads <c>taskaffinity.sample-service</c>; a bad value throws <see cref="SettingsException"/> naming its key.</summary>
    public static BlockStoreSettings FromConfig(Config config)
    {
        var reader = new SettingsReader(config.GetConfig("taskaffinity") ?? Config.Empty, "taskaffinity");
        var d = new BlockStoreSettings();
        return new BlockStoreSettings
        {
            Latency = reader.Duration("sample-service.latency", d.Latency, TimeSpan.Zero, TimeSpan.FromMinutes(1)),
            BandwidthMBps = reader.Double("sample-service.bandwidth-mbps", d.BandwidthMBps, 1, 100_000),
            FailureRate = reader.Double("sample-service.failure-rate", d.FailureRate, 0, 1),
            ComputeTime = reader.Duration("sample-service.compute-time", d.ComputeTime, TimeSpan.Zero, TimeSpan.FromHours(1)),
        };
    }
}

/// <summary>
/// A block store reached over a network: each read waits the latency, then its bytes at the bandwidth,
/// which concurrent reads share (a transfer starts when the link is free, like one NIC). Real waiting,
/// so the scheduler sees real durations; no data is actually produced. Tasks read it through the node's
/// cache, as its <see cref="IDataSource"/>.
/// </summary>
public sealed class SimulatedBlockStore(BlockStoreSettings settings) : IDataSource
{
    private readonly object _link = new();
    private DateTime _linkFreeAt = DateTime.UtcNow;
    private long _bytesRead;
    private long _reads;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public long Reads => Interlocked.Read(ref _reads);

    public async Task<object?> FetchAsync(DataRef data, CancellationToken cancellationToken)
    {
        await ReadAsync(data.Key, data.SizeBytes, cancellationToken).ConfigureAwait(false);
        return data.Key; // stands for the bytes
    }

    public async Task<long> ReadAsync(string key, long bytes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        bytes = Math.Max(0, bytes);
        var transfer = TimeSpan.FromSeconds(bytes / (settings.BandwidthMBps * 1_000_000));
        DateTime done;
        lock (_link)
        {
            var start = DateTime.UtcNow + settings.Latency;
            if (start < _linkFreeAt) start = _linkFreeAt;
            done = start + transfer;
            _linkFreeAt = done;
        }
        var wait = done - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytesRead, bytes);
        Interlocked.Increment(ref _reads);
        return bytes;
    }
}
