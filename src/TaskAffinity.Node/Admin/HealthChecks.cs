using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Node.Admin;

/// <summary>Live while the process answers HTTP at all: the endpoint runs on the node's own host.</summary>
internal sealed class LivenessCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("the node process answers"));
}

/// <summary>Ready when this node is an Up member, its journal's database answers, and the regions its roles need are started.</summary>
internal sealed class ReadinessCheck(ActorSystem system, IReadOnlyActorRegistry registry, NodeConfig node) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var status = Akka.Cluster.Cluster.Get(system).SelfMember.Status;
        if (status != MemberStatus.Up)
            problems.Add($"member status is {status}, not Up");
        if (node.Options.HasRole(NodeOptions.SchedulerRole))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            if (await node.PingDatabaseAsync(timeout.Token) is { } journal)
                problems.Add(journal);
            if (!registry.TryGet<ChainRegion>(out _) || !registry.TryGet<WorkerRegion>(out _) || !registry.TryGet<HostRegion>(out _))
                problems.Add("shard regions not started");
        }
        else if (node.Options.HasRole(NodeOptions.WorkerRole) && !registry.TryGet<WorkerRegion>(out _))
            problems.Add("worker region proxy not started");
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"member Up, {(node.Options.HasRole(NodeOptions.SchedulerRole) ? "journal reachable, " : "")}regions started")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems));
    }
}
