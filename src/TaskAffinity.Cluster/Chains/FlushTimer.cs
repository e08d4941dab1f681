using System.Diagnostics;
using Akka.Actor;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// When an actor that sends several messages as one (a client's submissions, a node's answers to a client) sends
/// what waits: at once when it is quiet, and a millisecond later when its last batch left less than a millisecond
/// ago. Busy, it then sends one message for what a millisecond brings instead of one for each; quiet, nothing waits.
/// </summary>
public sealed class FlushTimer(object flush)
{
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Most messages in one batch: a batch goes at once when it has this many. It keeps a batch (a few KB per
    /// chain) under 85,000 bytes, above which .NET allocates its buffers on the large-object heap, freed only by
    /// full collections: uncapped batches of 100 chains had doubled the full collections of the e2e benchmark.
    /// </summary>
    public const int MaxBatch = 32;

    private long _lastFlush;
    private bool _pending; // a flush is on its way to the actor

    /// <summary>Call whenever a message starts waiting: <c>flush</c> reaches <paramref name="self"/> (once) when they should go.</summary>
    public void Schedule(IActorRef self)
    {
        if (_pending) return;
        _pending = true;
        if (Stopwatch.GetElapsedTime(_lastFlush) >= Linger)
            self.Tell(flush); // after what is already in the mailbox
        else
            Task.Delay(Linger).ContinueWith(_ => flush, TaskScheduler.Default).PipeTo(self);
    }

    /// <summary>Call when <c>flush</c> arrives: the next waiting message schedules another.</summary>
    public void Arrived() => _pending = false;

    /// <summary>Call when what waited has been sent (on <c>flush</c>, or because a batch was full).</summary>
    public void Flushed() => _lastFlush = Stopwatch.GetTimestamp();
}
