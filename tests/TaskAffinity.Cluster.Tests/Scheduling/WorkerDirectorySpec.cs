using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Scheduling;

/// <summary>The scheduler's picture of the workers, built from their statuses.</summary>
public sealed class WorkerDirectorySpec
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(15);

    private static WorkerStatus Status(string workerId, bool online = true, int queued = 0, int running = 0,
        ResourceVector? capacity = null, params TaskType[] types) =>
        new(workerId, workerId.Split('/')[0], online, types.Length == 0 ? ["SnapshotCreate"] : [.. types],
            capacity ?? new ResourceVector(4, 4096, 100, 100, 0), queued, running, new WorkerToken("SnapshotCreate", 0.25), 3, 1);

    [Fact]
    public void A_status_becomes_a_candidate()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0", queued: 2, running: 1, types: ["SnapshotCopy"]), Now);

        directory.Count.ShouldBe(1);
        var candidate = directory.Candidates(Now).ShouldHaveSingleItem();
        candidate.WorkerId.ShouldBe("host-a/0");
        candidate.HostId.ShouldBe("host-a");
        candidate.Online.ShouldBeTrue();
        candidate.Queued.ShouldBe(2);
        candidate.Running.ShouldBe(1);
        candidate.ServedTypes.ShouldBe([new TaskType("SnapshotCopy")]);
        candidate.Token.ShouldBe(new WorkerToken("SnapshotCreate", 0.25));
    }

    [Fact]
    public void A_newer_status_replaces_the_older_one()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0", queued: 5), Now);
        directory.Update(Status("host-a/0", queued: 1, online: false), Now.AddSeconds(1));

        directory.Count.ShouldBe(1);
        var candidate = directory.Candidates(Now.AddSeconds(1)).ShouldHaveSingleItem();
        candidate.Queued.ShouldBe(1);
        candidate.Online.ShouldBeFalse();
    }

    [Fact]
    public void An_assignment_counts_as_queued_until_the_next_status()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0", queued: 2), Now);
        directory.Update(Status("host-b/0", queued: 0), Now);

        directory.NoteAssigned("host-a/0");
        directory.NoteAssigned("host-a/0");
        directory.NoteAssigned("unknown/0");

        var byId = directory.Candidates(Now).ToDictionary(c => c.WorkerId);
        byId.Count.ShouldBe(2);
        byId["host-a/0"].Queued.ShouldBe(4);
        byId["host-b/0"].Queued.ShouldBe(0);

        directory.Update(Status("host-a/0", queued: 1), Now.AddSeconds(1));
        directory.Candidates(Now.AddSeconds(1)).Single(c => c.WorkerId == "host-a/0").Queued.ShouldBe(1);
    }

    [Fact]
    public void An_assignment_does_not_count_as_hearing_from_the_worker()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0"), Now);
        directory.NoteAssigned("host-a/0");

        directory.Candidates(Now + StaleAfter + TimeSpan.FromSeconds(1)).ShouldHaveSingleItem().Online.ShouldBeFalse();
    }

    [Fact]
    public void A_worker_not_heard_for_longer_than_the_stale_interval_is_offline()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0"), Now);
        directory.Update(Status("host-b/0"), Now + TimeSpan.FromSeconds(10));

        var later = Now + StaleAfter + TimeSpan.FromMilliseconds(1);
        var byId = directory.Candidates(later).ToDictionary(c => c.WorkerId, c => c.Online);

        byId["host-a/0"].ShouldBeFalse();
        byId["host-b/0"].ShouldBeTrue();
        directory.Candidates(Now + StaleAfter).Single(c => c.WorkerId == "host-a/0").Online.ShouldBeTrue();
    }

    [Fact]
    public void Workers_keep_their_positions_and_an_unchanged_worker_keeps_its_candidate_object()
    {
        // the placement policy's memo relies on both
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0"), Now);
        directory.Update(Status("host-b/0"), Now);
        directory.Update(Status("host-c/0"), Now);
        var first = directory.Candidates(Now).ToList();

        directory.Update(Status("host-b/0", queued: 3), Now.AddSeconds(1));
        directory.NoteAssigned("host-c/0");
        var second = directory.Candidates(Now.AddSeconds(1)).ToList();

        second.Select(c => c.WorkerId).ShouldBe(["host-a/0", "host-b/0", "host-c/0"]);
        second[0].ShouldBeSameAs(first[0]);
        second[1].Queued.ShouldBe(3);
        second[2].Queued.ShouldBe(1);
        second[1].ShouldNotBeSameAs(first[1]);
        second[2].ShouldNotBeSameAs(first[2]);
    }

    [Fact]
    public void Rules_offer_only_the_types_online_workers_serve()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0", types: ["SnapshotCreate", "SnapshotCopy"]), Now);
        directory.Update(Status("host-b/0", online: false, types: ["SnapshotDelete"]), Now);
        directory.Update(Status("host-c/0", types: ["SnapshotVerify"]), Now - StaleAfter - TimeSpan.FromSeconds(1));

        var rules = directory.Rules(250, Now);

        rules.ServedTypes.SetEquals(ImmutableHashSet.Create<TaskType>("SnapshotCreate", "SnapshotCopy")).ShouldBeTrue();
        rules.MaxTasksPerChain.ShouldBe(250);
    }

    [Fact]
    public void Rules_take_the_largest_online_capacity_in_each_dimension()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0", capacity: new ResourceVector(32, 1024, 50, 10, 0)), Now);
        directory.Update(Status("host-b/0", capacity: new ResourceVector(4, 65536, 20, 10_000, 2)), Now);
        directory.Update(Status("host-c/0", online: false, capacity: new ResourceVector(128, 1e6, 1e4, 1e5, 8)), Now);

        directory.Rules(10, Now).LargestHost.ShouldBe(new ResourceVector(32, 65536, 50, 10_000, 2));
    }

    [Fact]
    public void Rules_with_no_online_worker_offer_nothing()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Rules(10, Now).ServedTypes.ShouldBeEmpty();
        directory.Rules(10, Now).LargestHost.ShouldBe(ResourceVector.Zero);

        directory.Update(Status("host-a/0"), Now);
        var stale = directory.Rules(10, Now + StaleAfter + TimeSpan.FromSeconds(1));
        stale.ServedTypes.ShouldBeEmpty();
        stale.LargestHost.ShouldBe(ResourceVector.Zero);
    }

    [Fact]
    public void A_hosts_heat_reaches_its_workers_candidates_and_a_small_change_keeps_them_as_they_are()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("h1/0"), Now);
        directory.Update(Status("h2/0") with { HostId = "h2" }, Now);

        directory.UpdateHeat("h1", 0.8);
        var hot = directory.Find("h1/0")!;
        hot.Heat.ShouldBe(0.8);
        directory.Find("h2/0")!.Heat.ShouldBe(0);

        directory.UpdateHeat("h1", 0.8 + WorkerDirectory.HeatStep / 2);
        directory.Find("h1/0").ShouldBeSameAs(hot); // the policy's cache for this object stays valid

        directory.Update(Status("h1/0", queued: 1), Now);
        directory.Find("h1/0")!.Heat.ShouldBe(0.8); // a later status keeps the host's heat
    }

    [Fact]
    public void Rules_kept_between_submissions_follow_every_change_that_alters_them()
    {
        var directory = new WorkerDirectory(StaleAfter);
        directory.Update(Status("host-a/0", types: ["SnapshotCreate"]), Now);
        directory.Rules(10, Now).ServedTypes.ShouldBe([new TaskType("SnapshotCreate")]);

        directory.Update(Status("host-a/0", queued: 3, types: ["SnapshotCreate"]), Now.AddSeconds(1));
        directory.Rules(10, Now.AddSeconds(1)).ShouldBeSameAs(directory.Rules(10, Now.AddSeconds(2)), "a load change keeps them");

        directory.Update(Status("host-b/0", types: ["SnapshotCopy"]), Now.AddSeconds(2));
        directory.Rules(10, Now.AddSeconds(2)).ServedTypes.ShouldBe([new TaskType("SnapshotCreate"), new TaskType("SnapshotCopy")], ignoreOrder: true);

        directory.Update(Status("host-b/0", types: ["SnapshotCopy", "SnapshotView"]), Now.AddSeconds(3));
        directory.Rules(10, Now.AddSeconds(3)).ServedTypes.ShouldContain(new TaskType("SnapshotView"));

        directory.Update(Status("host-b/0", capacity: new ResourceVector(64, 4096, 100, 100, 0), types: ["SnapshotCopy"]), Now.AddSeconds(4));
        directory.Rules(10, Now.AddSeconds(4)).LargestHost.Cpu.ShouldBe(64);

        directory.Update(Status("host-b/0", online: false, types: ["SnapshotCopy"]), Now.AddSeconds(5));
        directory.Rules(10, Now.AddSeconds(5)).ServedTypes.ShouldBe([new TaskType("SnapshotCreate")]);

        // host-a was last heard at Now + 1 s: once that is older than the stale interval, its type goes too
        directory.Rules(10, Now.AddSeconds(1) + StaleAfter).ServedTypes.ShouldNotBeEmpty();
        directory.Rules(10, Now.AddSeconds(2) + StaleAfter).ServedTypes.ShouldBeEmpty();
        directory.Rules(20, Now.AddSeconds(2) + StaleAfter).MaxTasksPerChain.ShouldBe(20);

        directory.Update(Status("host-a/0", types: ["SnapshotCreate"]), Now.AddSeconds(30));
        directory.Rules(10, Now.AddSeconds(30)).ServedTypes.ShouldBe([new TaskType("SnapshotCreate")], "heard again after going stale");
    }
}
