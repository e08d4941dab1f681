using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

public partial class WaitingLineSpec
{
    private static WaitingKey Key(string chain, string task, int attempt = 1) => new(chain, task, attempt);

    /// <summary>Adds tasks named "chain/task:type"; each one's item is its name.</summary>
    private static WaitingLine<string> Line(LineOrder order, params string[] tasks)
    {
        var line = new WaitingLine<string>(order);
        foreach (var task in tasks) Add(line, task);
        return line;
    }

    private static void Add(WaitingLine<string> line, string task)
    {
        var (chain, rest) = (task.Split('/')[0], task.Split('/')[1]);
        line.Add(Key(chain, rest.Split(':')[0]), new TaskType(rest.Split(':')[1]), task);
    }

    /// <summary>
    /// One pass where each type has room for the given number of tasks (none when not named), every worker
    /// once <paramref name="total"/> tasks are placed; returns what was placed, in order, and what was tried.
    /// </summary>
    private static (List<string> Placed, List<string> Tried) Serve(WaitingLine<string> line, int total = int.MaxValue, params (string Type, int Room)[] room)
    {
        var left = room.ToDictionary(r => new TaskType(r.Type), r => r.Room);
        List<string> placed = [], tried = [];
        line.Serve(entry =>
        {
            tried.Add(entry.Item);
            if (placed.Count >= total) return LineTry.AllFull;
            if (left.GetValueOrDefault(entry.Type) <= 0) return LineTry.TypeFull;
            left[entry.Type]--;
            placed.Add(entry.Item);
            return LineTry.Served;
        });
        return (placed, tried);
    }

    private static readonly string[] BigThenSmall =
        ["a/1:Blast", "a/2:Blast", "a/3:Blast", "b/1:Blast", "b/2:Blast", "c/1:Tiny", "c/2:Tiny", "d/1:Merge"];

    [Fact]
    public void Fair_by_type_takes_the_types_in_turn_and_each_type_in_arrival_order()
    {
        var line = Line(LineOrder.FairByType, BigThenSmall);

        line.InOrder().Select(e => e.Item).ShouldBe(["a/1:Blast", "c/1:Tiny", "d/1:Merge", "a/2:Blast", "c/2:Tiny", "a/3:Blast", "b/1:Blast", "b/2:Blast"]);
        Serve(line, total: 3, ("Blast", 9), ("Tiny", 9), ("Merge", 9)).Placed.ShouldBe(["a/1:Blast", "c/1:Tiny", "d/1:Merge"]);
    }

    [Fact]
    public void Arrival_order_lets_a_big_type_that_came_first_take_all_the_room()
    {
        var line = Line(LineOrder.Arrival, BigThenSmall);

        line.InOrder().Select(e => e.Item).ShouldBe(BigThenSmall);
        Serve(line, total: 3, ("Blast", 9), ("Tiny", 9), ("Merge", 9)).Placed.ShouldBe(["a/1:Blast", "a/2:Blast", "a/3:Blast"]);
    }

    [Fact]
    public void Fair_by_chain_takes_the_chains_in_turn_and_each_chain_in_arrival_order()
    {
        var line = Line(LineOrder.FairByChain, BigThenSmall);

        line.InOrder().Select(e => e.Item).ShouldBe(["a/1:Blast", "b/1:Blast", "c/1:Tiny", "d/1:Merge", "a/2:Blast", "b/2:Blast", "c/2:Tiny", "a/3:Blast"]);
    }

    [Theory]
    [InlineData(LineOrder.FairByType)]
    [InlineData(LineOrder.FairByChain)]
    [InlineData(LineOrder.Arrival)]
    public void A_type_found_full_is_tried_once_per_pass_and_the_others_go_on(LineOrder order)
    {
        var line = Line(order, BigThenSmall);

        var (placed, tried) = Serve(line, room: [("Tiny", 1), ("Merge", 5)]);

        placed.ShouldBe(["c/1:Tiny", "d/1:Merge"]);
        tried.Count(t => t.EndsWith(":Blast", StringComparison.Ordinal)).ShouldBe(1);
        tried.Count(t => t.EndsWith(":Tiny", StringComparison.Ordinal)).ShouldBe(2); // the first placed, the second found it full
        line.Count.ShouldBe(6);
        line.Types.ShouldBe(2);
    }

    [Fact]
    public void When_every_worker_is_full_the_pass_ends_after_one_try()
    {
        var line = Line(LineOrder.FairByType, BigThenSmall);

        var (placed, tried) = Serve(line, total: 0);

        placed.ShouldBeEmpty();
        tried.ShouldBe(["a/1:Blast"]);
        line.Count.ShouldBe(BigThenSmall.Length);
    }

    [Fact]
    public void A_served_type_goes_to_the_end_of_the_turn_and_a_type_that_found_no_room_keeps_its_place()
    {
        var line = Line(LineOrder.FairByType, "a/1:A", "a/2:A", "b/1:B", "b/2:B", "c/1:C", "c/2:C");

        Serve(line, room: [("B", 1), ("C", 1)]).Placed.ShouldBe(["b/1:B", "c/1:C"]); // A found no room
        Serve(line, total: 1, ("A", 9), ("B", 9), ("C", 9)).Placed.ShouldBe(["a/1:A"]);

        line.InOrder().Select(e => e.Item).ShouldBe(["b/2:B", "c/2:C", "a/2:A"]);
    }

    [Fact]
    public void A_small_type_is_placed_within_one_turn_of_the_types_however_many_tasks_of_a_big_one_keep_arriving()
    {
        // each round: 50 more Blast tasks arrive, then a worker reports room for one task
        WaitingLine<string> Flooded(LineOrder order)
        {
            var line = Line(order, [.. Enumerable.Range(0, 50).Select(i => $"big/{i}:Blast")]);
            Add(line, "small/1:Tiny");
            return line;
        }
        int RoundsUntilPlaced(WaitingLine<string> line)
        {
            for (var round = 1; round <= 100; round++)
            {
                for (var i = 0; i < 50; i++) Add(line, $"big/{round}-{i}:Blast");
                if (Serve(line, total: 1, ("Blast", 1), ("Tiny", 1)).Placed.Contains("small/1:Tiny")) return round;
            }
            return int.MaxValue;
        }

        RoundsUntilPlaced(Flooded(LineOrder.FairByType)).ShouldBeLessThanOrEqualTo(2);
        RoundsUntilPlaced(Flooded(LineOrder.Arrival)).ShouldBe(51); // what it fixes: behind all 50 that came first, one placed a round
    }

    /// <summary>
    /// A fixed-seed churn of 6 types, each pass giving one of them no room and the others room for two tasks in
    /// all. The bound of WaitingLine's doc comment: in the passes where a task's type has room, at most
    /// (tasks of its type ahead of it + 1) × (types − 1) tasks of other types are placed before it.
    /// Returns the most any task went over that bound (≤ 0: never).
    /// </summary>
    private static int MostOverTheBound(LineOrder order)
    {
        var random = new Random(7);
        var line = new WaitingLine<string>(order);
        var types = Enumerable.Range(0, 6).Select(i => new TaskType($"T{i}")).ToArray();
        var allowed = new Dictionary<string, int>();   // per waiting task: others it may see placed before it
        var others = new Dictionary<string, int>();    // per waiting task: others placed before it in passes its type had room in
        var worst = int.MinValue;
        for (var step = 0; step < 3_000; step++)
        {
            for (var n = random.Next(0, 4); n > 0; n--)
            {
                var type = types[random.Next(types.Length)];
                var name = $"s{step}-{n}";
                allowed[name] = (line.InOrder().Count(e => e.Type == type) + 1) * (types.Length - 1);
                others[name] = 0;
                line.Add(Key("c", name), type, name);
            }
            var blocked = types[random.Next(types.Length)];
            var placed = 0;
            line.Serve(entry =>
            {
                if (entry.Type == blocked) return LineTry.TypeFull;
                if (placed >= 2) return LineTry.AllFull;
                worst = Math.Max(worst, others[entry.Item] + placed - allowed[entry.Item]);
                allowed.Remove(entry.Item);
                others.Remove(entry.Item);
                placed++;
                return LineTry.Served;
            });
            foreach (var entry in line.InOrder().Where(e => e.Type != blocked))
            {
                others[entry.Item] += placed;
                worst = Math.Max(worst, others[entry.Item] - allowed[entry.Item]);
            }
        }
        line.Count.ShouldBeLessThan(200); // room for 2 a pass against 1.5 arriving: the line stays short
        return worst;
    }

    [Fact]
    public void Fair_by_type_no_task_waits_past_its_bound_however_the_types_arrive_and_find_room()
    {
        MostOverTheBound(LineOrder.FairByType).ShouldBeLessThanOrEqualTo(0);
    }

    [Fact]
    public void Arrival_order_has_no_such_bound()
    {
        MostOverTheBound(LineOrder.Arrival).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_chain_asking_again_keeps_its_place_with_the_new_item()
    {
        var line = Line(LineOrder.FairByType, "a/1:A", "b/1:A", "c/1:A");

        line.Add(Key("a", "1"), new TaskType("A"), "a/1 asked again").ShouldBeFalse();

        line.Count.ShouldBe(3);
        line.InOrder().Select(e => e.Item).ShouldBe(["a/1 asked again", "b/1:A", "c/1:A"]);
        line.Add(Key("a", "1", attempt: 2), new TaskType("A"), "a/1 second attempt").ShouldBeTrue(); // another attempt is another task
        line.InOrder()[^1].Item.ShouldBe("a/1 second attempt");
    }

    [Fact]
    public void Withdrawing_a_chain_takes_all_its_tasks_out_and_the_others_keep_their_order()
    {
        var line = Line(LineOrder.FairByType, BigThenSmall);

        line.RemoveChain("a").ShouldBe(3);
        line.Remove(Key("c", "1")).ShouldBeTrue();
        line.Remove(Key("c", "1")).ShouldBeFalse();

        line.Contains(Key("a", "2")).ShouldBeFalse();
        line.InOrder().Select(e => e.Item).ShouldBe(["b/1:Blast", "c/2:Tiny", "d/1:Merge", "b/2:Blast"]);
        line.RemoveChain("nobody").ShouldBe(0);
    }

    [Fact]
    public void A_type_that_emptied_and_comes_back_joins_the_end_of_the_turn()
    {
        var line = Line(LineOrder.FairByType, "a/1:A", "b/1:B");
        line.Remove(Key("a", "1"));

        Add(line, "a/2:A");

        line.InOrder().Select(e => e.Item).ShouldBe(["b/1:B", "a/2:A"]);
        line.Types.ShouldBe(2);
    }

    [Fact]
    public void Entries_carry_their_arrival_sequence()
    {
        var line = Line(LineOrder.FairByType, "a/1:A", "b/1:B", "a/2:A");

        line.InOrder().Select(e => (e.Key.TaskId, e.Sequence)).ShouldBe([("1", 0L), ("1", 1L), ("2", 2L)]);
    }
}
