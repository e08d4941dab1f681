using Shouldly;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Cluster.Tests.Staging;

/// <summary>Reads through the host cache, and staging that fails without failing the reads that follow.</summary>
public sealed class HostDataSpec
{
    private static readonly DataRef Block = new("vol-01/blocks", 4 * 1024 * 1024);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>A source that fails the first <c>failures</c> fetches, or waits on a gate when one is set.</summary>
    private sealed class Source(int failures = 0) : IDataSource
    {
        private int _calls;
        public TaskCompletionSource? Gate { get; set; }
        public int Calls => _calls;

        public async Task<object?> FetchAsync(DataRef data, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (Gate is { } gate && call == 1) await gate.Task.WaitAsync(cancellationToken);
            if (call <= failures) throw new IOException($"store unavailable (call {call})");
            return $"data of {data.Key}";
        }
    }

    private static HostData Data(IDataSource source) => new(DataCacheOptions.Default, source);

    [Fact]
    public async Task A_miss_fetches_and_the_next_read_hits()
    {
        var source = new Source();
        var data = Data(source);

        var (first, firstLease) = await data.ReadAsync(Block, CancellationToken.None);
        firstLease!.Dispose();
        var (second, secondLease) = await data.ReadAsync(Block, CancellationToken.None);
        secondLease!.Dispose();

        first.ShouldBe("data of vol-01/blocks");
        second.ShouldBe(first);
        source.Calls.ShouldBe(1);
        var stats = data.Cache.Stats();
        (stats.Hits, stats.Misses, stats.PrefetchedEntries).ShouldBe((1L, 1L, 0L));
    }

    [Fact]
    public async Task Staged_data_is_a_hit_and_counts_as_prefetched_and_used()
    {
        var source = new Source();
        var data = Data(source);

        await data.StageAsync(Block, Timeout, CancellationToken.None);
        var (value, lease) = await data.ReadAsync(Block, CancellationToken.None);
        lease!.Dispose();

        value.ShouldBe("data of vol-01/blocks");
        source.Calls.ShouldBe(1);
        var stats = data.Cache.Stats();
        (stats.Hits, stats.Misses, stats.PrefetchedUsedEntries, stats.PrefetchedUsedBytes).ShouldBe((1L, 0L, 1L, Block.SizeBytes));
    }

    [Fact]
    public async Task A_failing_data_source_fails_the_staging_but_not_the_task_that_later_needs_the_data()
    {
        var source = new Source(failures: 3);
        var data = Data(source);

        for (var attempt = 0; attempt < 3; attempt++)
            await Should.ThrowAsync<IOException>(() => data.StageAsync(Block, Timeout, CancellationToken.None));
        data.IsPresent(Block.Key).ShouldBeFalse();
        var (value, lease) = await data.ReadAsync(Block, CancellationToken.None);
        lease!.Dispose();

        value.ShouldBe("data of vol-01/blocks");
        source.Calls.ShouldBe(4);
        data.BytesInFlight.ShouldBe(0);
    }

    [Fact]
    public async Task A_read_that_waits_on_a_staging_fetch_which_then_fails_fetches_for_itself()
    {
        var source = new Source(failures: 1) { Gate = new TaskCompletionSource() };
        var data = Data(source);

        var staging = data.StageAsync(Block, Timeout, CancellationToken.None);
        data.IsPresent(Block.Key).ShouldBeTrue();
        var reading = data.ReadAsync(Block, CancellationToken.None);
        source.Gate.SetResult(); // the staging fetch now fails

        await Should.ThrowAsync<IOException>(() => staging);
        var (value, lease) = await reading.WaitAsync(Timeout);
        lease!.Dispose();
        value.ShouldBe("data of vol-01/blocks");
        source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task A_read_that_finds_its_data_being_staged_waits_for_that_fetch_instead_of_fetching_again()
    {
        var source = new Source { Gate = new TaskCompletionSource() };
        var data = Data(source);

        var staging = data.StageAsync(Block, Timeout, CancellationToken.None);
        var reading = data.ReadAsync(Block, CancellationToken.None);
        source.Gate.SetResult();
        await staging;
        var (value, lease) = await reading.WaitAsync(Timeout);
        lease!.Dispose();

        value.ShouldBe("data of vol-01/blocks");
        source.Calls.ShouldBe(1);
        data.LateHits.ShouldBe(1);
    }

    [Fact]
    public async Task Data_a_task_is_reading_stays_pinned_until_the_task_ends()
    {
        var data = new HostData(new DataCacheOptions { CapacityBytes = 6 * 1024 * 1024 }, new Source());
        var context = new Execution.TaskContext("c", "t", 1, "w/0", "w", new TaskSpec { Id = "t", Type = new TaskType("Work") }, data);

        await context.ReadInputAsync(Block, CancellationToken.None);
        await data.StageAsync(new DataRef("vol-02/blocks", 4 * 1024 * 1024), Timeout, CancellationToken.None); // cannot evict the pinned one

        data.Cache.Contains(Block.Key).ShouldBeTrue();
        data.Cache.Contains("vol-02/blocks").ShouldBeFalse();
        context.Dispose();
        await data.StageAsync(new DataRef("vol-02/blocks", 4 * 1024 * 1024), Timeout, CancellationToken.None);
        data.Cache.Contains("vol-02/blocks").ShouldBeTrue();
        data.Cache.Contains(Block.Key).ShouldBeFalse();
    }
}
