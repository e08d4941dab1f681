using Akka.Actor;
using Akka.Hosting;
using TaskAffinity.Cluster.Hosting;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>
/// Waits until this node's scheduler reports what a caller needs (typically: its slots online), since slots
/// register a moment after the cluster forms. For the demo, benchmarks and tests that start a node and submit at once.
/// </summary>
public static class SchedulerReadiness
{
    public static async Task WaitAsync(ActorSystem system, Func<SchedulerStatus, bool> ready, TimeSpan timeout, string what,
        CancellationToken cancellationToken = default)
    {
        var scheduler = await ActorRegistry.For(system).GetAsync<SchedulerKey>(cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await scheduler.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            if (ready(status)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} within {timeout.TotalSeconds:0} s");
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }
}
