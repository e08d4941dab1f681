using Shouldly;
using TaskAffinity.Core.Prefetch;
using Xunit;

namespace TaskAffinity.Core.Tests.Prefetch;

public class PrefetchBufferSpec
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static PrefetchBuffer<string> Buffer(int capacity, params string[] items)
    {
        var buffer = new PrefetchBuffer<string>(capacity);
        for (var i = 0; i < items.Length; i++) buffer.TryAdd(items[i], At(i)).ShouldBeTrue();
        return buffer;
    }

    [Fact]
    public void A_buffer_holds_at_most_its_capacity()
    {
        var buffer = Buffer(2, "a", "b");

        buffer.IsFull.ShouldBeTrue();
        buffer.TryAdd("c", At(5)).ShouldBeFalse();
        buffer.Count.ShouldBe(2);
        buffer.Contains("c").ShouldBeFalse();
    }

    [Fact]
    public void A_buffer_of_capacity_zero_is_off_and_takes_nothing()
    {
        var buffer = new PrefetchBuffer<string>(0);

        buffer.TryAdd("a", T0).ShouldBeFalse();
        buffer.Count.ShouldBe(0);
        buffer.TryTake(T0, out _, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4097)]
    public void A_capacity_outside_zero_to_4096_is_refused(int capacity)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new PrefetchBuffer<string>(capacity));
    }

    [Fact]
    public void The_largest_capacity_is_accepted()
    {
        new PrefetchBuffer<int>(4096).Capacity.ShouldBe(4096);
    }

    [Fact]
    public void An_item_already_held_is_not_added_twice()
    {
        var buffer = Buffer(4, "a");

        buffer.TryAdd("a", At(3)).ShouldBeFalse();

        buffer.Count.ShouldBe(1);
        buffer.Items.ShouldHaveSingleItem().Since.ShouldBe(At(0));
    }

    [Fact]
    public void Items_are_taken_oldest_first_with_how_long_they_waited()
    {
        var buffer = Buffer(4, "a", "b", "c");

        buffer.TryTake(At(10), out var first, out var waitedFirst).ShouldBeTrue();
        buffer.TryTake(At(10), out var second, out var waitedSecond).ShouldBeTrue();

        first.ShouldBe("a");
        waitedFirst.ShouldBe(TimeSpan.FromSeconds(10));
        second.ShouldBe("b");
        waitedSecond.ShouldBe(TimeSpan.FromSeconds(9));
        buffer.Count.ShouldBe(1);
        buffer.Contains("a").ShouldBeFalse();
    }

    [Fact]
    public void Taking_from_an_empty_buffer_fails_with_zero_wait()
    {
        var buffer = new PrefetchBuffer<string>(4);

        buffer.TryTake(T0, out _, out var waited).ShouldBeFalse();

        waited.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_taken_slot_can_be_refilled_and_the_new_item_goes_last()
    {
        var buffer = Buffer(2, "a", "b");
        buffer.TryTake(At(2), out _, out _);

        buffer.TryAdd("a", At(3)).ShouldBeTrue();

        buffer.Items.Select(i => i.Item).ShouldBe(["b", "a"]);
    }

    [Fact]
    public void Remove_drops_an_item_wherever_it_is()
    {
        var buffer = Buffer(4, "a", "b", "c");

        buffer.Remove("b").ShouldBeTrue();
        buffer.Remove("b").ShouldBeFalse();

        buffer.Items.Select(i => i.Item).ShouldBe(["a", "c"]);
        buffer.Contains("b").ShouldBeFalse();
    }

    [Fact]
    public void Only_items_that_waited_longer_than_the_maximum_age_expire()
    {
        // a at 0 s, b at 1 s, c at 2 s, d at 3 s; at 4 s with 2 s max age: a (4 s) and b (3 s) expire, c (exactly 2 s) stays.
        var buffer = Buffer(8, "a", "b", "c", "d");

        var expired = buffer.TakeExpired(At(4), TimeSpan.FromSeconds(2));

        expired.ShouldBe(["a", "b"]);
        buffer.Items.Select(i => i.Item).ShouldBe(["c", "d"]);
        buffer.TakeExpired(At(4), TimeSpan.FromSeconds(2)).ShouldBeEmpty();
    }

    [Fact]
    public void Take_oldest_returns_up_to_count_matching_items_oldest_first_and_leaves_the_rest()
    {
        var buffer = Buffer(8, "x1", "y1", "x2", "x3", "y2", "x4");

        var taken = buffer.TakeOldest(2, item => item.StartsWith('x'));

        taken.ShouldBe(["x1", "x2"]);
        buffer.Items.Select(i => i.Item).ShouldBe(["y1", "x3", "y2", "x4"]);
        buffer.TakeOldest(10, item => item.StartsWith('y')).ShouldBe(["y1", "y2"]);
        buffer.TakeOldest(0, _ => true).ShouldBeEmpty();
        buffer.Count.ShouldBe(2);
    }

    [Fact]
    public void Oldest_age_is_the_wait_of_the_first_item_or_zero_when_empty()
    {
        var buffer = Buffer(4, "a", "b");

        buffer.OldestAge(At(5)).ShouldBe(TimeSpan.FromSeconds(5));
        buffer.OldestAge(At(-1)).ShouldBe(TimeSpan.Zero);
        new PrefetchBuffer<string>(4).OldestAge(At(5)).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Items_are_a_copy_so_the_buffer_can_change_while_they_are_walked()
    {
        var buffer = Buffer(4, "a", "b", "c");

        foreach (var (item, _) in buffer.Items) buffer.Remove(item);

        buffer.Count.ShouldBe(0);
    }

    [Fact]
    public void Items_are_compared_by_value_equality()
    {
        var buffer = new PrefetchBuffer<(string Chain, int Task)>(4);
        buffer.TryAdd(("c1", 1), T0).ShouldBeTrue();

        buffer.TryAdd(("c1", 1), T0).ShouldBeFalse();
        buffer.Contains(("c1", 1)).ShouldBeTrue();
        buffer.Remove(("c1", 1)).ShouldBeTrue();
    }
}
