using Akka.Actor;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Staging.StagingProtocol;

namespace TaskAffinity.Cluster.Tests.Staging;

/// <summary>The stager: staging what the planner accepts, retrying with back-off, giving up quietly.</summary>
public sealed class StagerSpec : TestKit
{
    private static readonly PrefetchSettings Settings = new() { FetchAttempts = 3, RetryBackoff = TimeSpan.FromMilliseconds(20) };

    private sealed class Source(Func<DataRef, int, bool> fails) : IDataSource
    {
        private readonly Dictionary<string, int> _calls = new();
        public int CallsFor(string key) { lock (_calls) return _calls.GetValueOrDefault(key); }

        public Task<object?> FetchAsync(DataRef data, CancellationToken cancellationToken)
        {
            int call;
            lock (_calls) call = _calls[data.Key] = _calls.GetValueOrDefault(data.Key) + 1;
            return fails(data, call) ? Task.FromException<object?>(new IOException("store unavailable")) : Task.FromResult<object?>(data.Key);
        }
    }

    private (IActorRef Stager, HostData Data, PrefetchMetrics Metrics) Start(IDataSource source)
    {
        var data = new HostData(DataCacheOptions.Default, source);
        var metrics = new PrefetchMetrics();
        return (Sys.ActorOf(Props.Create(() => new StagerActor(data, Settings, metrics))), data, metrics);
    }

    private static PrefetchCandidate Candidate(string key, double confidence = 0.9) => new(new DataRef(key, 1024 * 1024), confidence, "test");

    [Fact]
    public async Task Stages_what_the_planner_accepts_and_skips_what_is_unlikely()
    {
        var (stager, data, metrics) = Start(new Source((_, _) => false));

        stager.Tell(new StageInputs("host-a/0", [Candidate("a"), Candidate("b"), Candidate("unlikely", confidence: 0.05)]));

        await AwaitAssertAsync(() => metrics.Report(data).Fetched.ShouldBe(2));
        data.Cache.Contains("a").ShouldBeTrue();
        data.Cache.Contains("b").ShouldBeTrue();
        data.Cache.Contains("unlikely").ShouldBeFalse();
        var report = await stager.Ask<PrefetchReport>(GetStagerStats.Instance, TimeSpan.FromSeconds(3));
        report.Skipped[nameof(SkipReason.LowConfidence)].ShouldBe(1);
        report.Cache.PrefetchedEntries.ShouldBe(2);
    }

    [Fact]
    public async Task A_failing_fetch_is_retried_with_back_off_and_then_given_up_quietly()
    {
        var source = new Source((data, _) => data.Key == "broken");
        var (stager, data, metrics) = Start(source);

        stager.Tell(new StageInputs("host-a/0", [Candidate("broken"), Candidate("fine")]));

        await AwaitAssertAsync(() => metrics.Report(data).GaveUp.ShouldBe(1), TimeSpan.FromSeconds(5));
        source.CallsFor("broken").ShouldBe(3);
        var report = metrics.Report(data);
        (report.Fetches, report.Retries, report.FetchFailures, report.Fetched).ShouldBe((4L, 2L, 3L, 1L));
        data.Cache.Contains("fine").ShouldBeTrue();
    }

    [Fact]
    public async Task A_fetch_that_recovers_within_its_attempts_stages_the_data()
    {
        var source = new Source((_, call) => call == 1);
        var (stager, data, metrics) = Start(source);

        stager.Tell(new StageInputs("host-a/0", [Candidate("flaky")]));

        await AwaitAssertAsync(() => data.Cache.Contains("flaky").ShouldBeTrue(), TimeSpan.FromSeconds(5));
        (metrics.Report(data).Retries, metrics.Report(data).GaveUp).ShouldBe((1L, 0L));
    }
}
