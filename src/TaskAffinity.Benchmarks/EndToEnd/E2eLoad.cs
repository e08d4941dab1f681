using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using TaskAffinity.Client;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Cluster.Chains;

namespace TaskAffinity.Benchmarks.EndToEnd;

/// <summary>What one measured run did.</summary>
/// <param name="ChainLatenciesMs">Sorted, lowest first.</param>
internal sealed record LoadResult(int Chains, int Tasks, int Failed, TimeSpan Elapsed, double[] ChainLatenciesMs)
{
    public double TasksPerSecond => Tasks / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (ChainLatenciesMs.Length == 0) return double.NaN;
        return ChainLatenciesMs[Math.Clamp((int)Math.Ceiling(p * ChainLatenciesMs.Length) - 1, 0, ChainLatenciesMs.Length - 1)];
    }
}

/// <summary>
/// Submits linear chains of no-op tasks through the client, keeping at most <c>inFlight</c> chains between
/// submission and completion (a closed loop: a new chain goes in as one comes out), and times each chain from
/// the moment it is submitted until the client hears it finished.
/// </summary>
internal static class E2eLoad
{
    public static readonly TaskType Step = new("E2eStep");

    public static async Task<LoadResult> RunAsync(TaskAffinityClient client, string prefix, int tasks, int chainLength, int inFlight,
        IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var chains = (tasks + chainLength - 1) / chainLength;
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var done = 0;
        using var gate = new SemaphoreSlim(inFlight);
        var clock = Stopwatch.StartNew();
        var running = new List<Task>(chains);
        for (var i = 0; i < chains; i++)
        {
            await gate.WaitAsync(cancellationToken);
            var length = Math.Min(chainLength, tasks - i * chainLength);
            running.Add(RunChainAsync($"{prefix}-{i}", length));
        }
        await Task.WhenAll(running);
        clock.Stop();
        return new LoadResult(chains, tasks, failed, clock.Elapsed, [.. latencies.Order()]);

        async Task RunChainAsync(string chainId, int length)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                var finished = await client.RunAsync(chainId, "e2e", Chain(length), TimeSpan.FromMinutes(5), cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (finished.Phase != ChainPhase.Completed) Interlocked.Increment(ref failed);
                progress?.Report(Interlocked.Add(ref done, length));
            }
            catch (Exception e) when (e is TimeoutException or ChainRejectedException)
            {
                Interlocked.Increment(ref failed);
                await Console.Error.WriteLineAsync($"chain {chainId}: {e.Message}");
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>A linear chain: each step depends on the one before.</summary>
    public static ImmutableArray<TaskSpec> Chain(int length) =>
        [.. Enumerable.Range(0, length).Select(i => new TaskSpec
        {
            Id = $"s{i}",
            Type = Step,
            Payload = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            DependsOn = i == 0 ? [] : [$"s{i - 1}"],
        })];
}
