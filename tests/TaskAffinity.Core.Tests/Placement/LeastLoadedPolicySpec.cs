using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

public class LeastLoadedPolicySpec
{
    private static readonly ResourceVector Host = Specs.Resources(cpu: 8, memoryMb: 16_384, ioMbps: 200, networkMbps: 1_000, gpu: 0);

    private readonly LeastLoadedPolicy _policy = new();

    private static WorkerCandidate Worker(string id, int queued = 0, int running = 0, bool online = true,
        ResourceVector? capacity = null, params string[] serves) =>
        new(id, $"host-of-{id}", online, Specs.Types(serves.Length == 0 ? [Specs.DefaultType] : serves),
            capacity ?? Host, queued, running, WorkerToken.Empty);

    private static PlacementRequest Request(TaskSpec? task = null, string chainId = "chain-1") =>
        new(chainId, task ?? Specs.Task("t1"), Attempt: 1);

    [Fact]
    public void Picks_the_least_loaded_eligible_worker()
    {
        var workers = new[] { Worker("w1", queued: 3), Worker("w2", queued: 1, running: 1), Worker("w3", running: 1), Worker("w4", queued: 5) };

        var decision = _policy.Place(Request(), workers);

        decision.Placed.ShouldBeTrue();
        decision.WorkerId.ShouldBe("w3");
        decision.Policy.ShouldBe(LeastLoadedPolicy.PolicyName);
        decision.Reason.ShouldContain("4 eligible");
    }

    [Fact]
    public void Skips_offline_workers_even_when_they_are_idle()
    {
        var decision = _policy.Place(Request(), [Worker("idle-but-offline", online: false), Worker("busy", queued: 4)]);

        decision.WorkerId.ShouldBe("busy");
    }

    [Fact]
    public void Skips_workers_that_do_not_serve_the_task_type()
    {
        var workers = new[] { Worker("other", serves: "Compress"), Worker("serving", queued: 2, serves: ["Compress", Specs.DefaultType]) };

        var decision = _policy.Place(Request(), workers);

        decision.WorkerId.ShouldBe("serving");
    }

    [Fact]
    public void Skips_workers_whose_host_is_too_small()
    {
        var task = Specs.Task("t1", resources: Specs.Resources(cpu: 4, memoryMb: 8_192));
        var workers = new[]
        {
            Worker("small", capacity: Specs.Resources(cpu: 2, memoryMb: 32_000, ioMbps: 200, networkMbps: 1_000)),
            Worker("big", queued: 7),
        };

        var decision = _policy.Place(Request(task), workers);

        decision.WorkerId.ShouldBe("big");
    }

    [Fact]
    public void Host_exactly_the_size_of_the_request_is_large_enough()
    {
        var task = Specs.Task("t1", resources: Host);

        _policy.Place(Request(task), [Worker("exact")]).WorkerId.ShouldBe("exact");
    }

    [Fact]
    public void No_workers_gives_no_placement_and_says_so()
    {
        var decision = _policy.Place(Request(), []);

        decision.Placed.ShouldBeFalse();
        decision.WorkerId.ShouldBeNull();
        decision.TopCandidates.ShouldBeEmpty();
        decision.Reason.ShouldBe("no workers are known");
    }

    [Fact]
    public void No_online_worker_gives_no_placement_naming_the_cause()
    {
        var decision = _policy.Place(Request(), [Worker("w1", online: false), Worker("w2", online: false)]);

        decision.WorkerId.ShouldBeNull();
        decision.Reason.ShouldContain("none of 2 workers is online");
    }

    [Fact]
    public void No_worker_serving_the_type_gives_no_placement_naming_the_type()
    {
        var workers = new[] { Worker("w1", serves: "Compress"), Worker("w2", online: false) };

        var decision = _policy.Place(Request(), workers);

        decision.WorkerId.ShouldBeNull();
        decision.Reason.ShouldContain("no online worker serves task type 'SnapshotCreate'");
    }

    [Fact]
    public void No_host_large_enough_gives_no_placement_naming_the_request()
    {
        var task = Specs.Task("t1", resources: Specs.Resources(cpu: 1, gpu: 1));

        var decision = _policy.Place(Request(task), [Worker("w1"), Worker("w2")]);

        decision.WorkerId.ShouldBeNull();
        decision.TopCandidates.ShouldBeEmpty();
        decision.Reason.ShouldContain("large enough");
        decision.Reason.ShouldContain("gpu=1");
    }

    [Fact]
    public void Among_equally_loaded_workers_the_choice_is_the_same_for_the_same_chain_and_task()
    {
        var workers = new[] { Worker("w1"), Worker("w2"), Worker("w3"), Worker("w4") };
        var shuffled = new[] { workers[2], workers[0], workers[3], workers[1] };

        var first = _policy.Place(Request(Specs.Task("t42")), workers);
        var again = _policy.Place(Request(Specs.Task("t42")), workers);
        var reordered = new LeastLoadedPolicy().Place(Request(Specs.Task("t42")), shuffled);

        again.WorkerId.ShouldBe(first.WorkerId);
        reordered.WorkerId.ShouldBe(first.WorkerId);
    }

    [Fact]
    public void Tie_break_ignores_busier_workers()
    {
        // whatever the hash says, only the two idle workers can be chosen
        var workers = new[] { Worker("w1", queued: 1), Worker("w2"), Worker("w3", running: 1), Worker("w4") };

        var chosen = Enumerable.Range(0, 100).Select(i => _policy.Place(Request(Specs.Task($"t{i}")), workers).WorkerId).ToHashSet();

        chosen.ShouldBe(["w2", "w4"], ignoreOrder: true);
    }

    [Fact]
    public void Equally_loaded_workers_share_1000_tasks_evenly()
    {
        var workers = new[] { Worker("w1"), Worker("w2"), Worker("w3"), Worker("w4") };

        var counts = Enumerable.Range(0, 1_000)
            .Select(i => _policy.Place(Request(Specs.Task($"task-{i}")), workers).WorkerId!)
            .CountBy(id => id)
            .ToDictionary();

        counts.Keys.ShouldBe(["w1", "w2", "w3", "w4"], ignoreOrder: true);
        counts.Values.ShouldAllBe(n => n >= 150 && n <= 350, string.Join(", ", counts));
    }

    [Fact]
    public void Equally_loaded_workers_share_tasks_across_many_chains()
    {
        // the same task id in 1,000 different chains must not all land on one worker
        var workers = new[] { Worker("w1"), Worker("w2"), Worker("w3") };

        var counts = Enumerable.Range(0, 1_000)
            .Select(i => _policy.Place(Request(Specs.Task("load"), chainId: $"chain-{i}"), workers).WorkerId!)
            .CountBy(id => id)
            .ToDictionary();

        counts.Count.ShouldBe(3);
        counts.Values.ShouldAllBe(n => n >= 200 && n <= 467, string.Join(", ", counts));
    }

    [Fact]
    public void Top_candidates_hold_at_most_three_best_first_with_the_chosen_one_first()
    {
        var workers = new[]
        {
            Worker("w5", queued: 9), Worker("w1", queued: 2, running: 1), Worker("w2"),
            Worker("w3", running: 1), Worker("w4"), Worker("off", online: false),
        };

        var decision = _policy.Place(Request(), workers);

        decision.TopCandidates.Length.ShouldBe(3);
        decision.TopCandidates[0].WorkerId.ShouldBe(decision.WorkerId);
        decision.WorkerId.ShouldBeOneOf("w2", "w4");
        decision.TopCandidates.Select(c => c.WorkerId).Take(2).ShouldBe(["w2", "w4"], ignoreOrder: true);
        decision.TopCandidates[2].WorkerId.ShouldBe("w3");
        decision.TopCandidates.Select(c => c.Score).ShouldBeInOrder(SortDirection.Descending);
        decision.TopCandidates.ShouldNotContain(c => c.WorkerId == "off");
        decision.Reason.ShouldContain("5 eligible");
    }

    [Fact]
    public void Top_candidates_explain_the_score_with_queued_and_running_terms()
    {
        var decision = _policy.Place(Request(), [Worker("w1", queued: 2, running: 1)]);

        var only = decision.TopCandidates.ShouldHaveSingleItem();
        only.WorkerId.ShouldBe("w1");
        only.Score.ShouldBe(-3);
        only.Terms.Keys.ShouldBe(["queued", "running"], ignoreOrder: true);
        only.Terms["queued"].ShouldBe(2);
        only.Terms["running"].ShouldBe(1);
    }

    [Fact]
    public void Policy_is_named_least_loaded()
    {
        _policy.Name.ShouldBe("least-loaded");
    }

    [Fact]
    public void Equally_loaded_workers_share_ids_that_differ_in_one_character()
    {
        // 'a','e','i','m','q','u','y','A','E','I','M','Q','U','Y','1','5','9' all have the same two low bits
        var ids = "aeimquyAEIMQUY159".Select(c => $"job-{c}").ToList();
        var workers = new[] { Worker("w1"), Worker("w2"), Worker("w3"), Worker("w4") };

        var used = ids.Select(id => _policy.Place(Request(Specs.Task(id)), workers).WorkerId).Distinct().Count();

        used.ShouldBeGreaterThanOrEqualTo(3);
    }
}
