using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using BenchmarkDotNet.Attributes;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Benchmarks;

/// <summary>
/// The wire and journal serializer on the two messages every task produces: the assignment to a worker (with
/// its spec and staging hints) and the outcome to its chain; each to bytes and back.
/// </summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private ActorSystem _system = null!;
    private Serializer _serializer = null!;
    private AssignTask _assign = null!;
    private ChainProtocol.TaskFinished _finished = null!;
    private byte[] _assignBytes = [];
    private byte[] _finishedBytes = [];
    private string _assignManifest = "";
    private string _finishedManifest = "";

    [GlobalSetup]
    public void Setup()
    {
        var hocon = File.ReadAllText(Path.Combine(FindHoconDirectory(), "serialization.conf"));
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString(hocon));
        var spec = new TaskSpec
        {
            Id = "03-SnapshotView", Type = "SnapshotView", InputSchema = "snapshot-ref", OutputSchema = "snapshot-result",
            Inputs = [new DataRef("vol-07/snap-1234/index", 1_048_576)], Resources = new ResourceVector(0.25, 128, 50, 50, 0),
            EstimatedDuration = TimeSpan.FromMilliseconds(6), Payload = """{"volume":"vol-07","snapshot":"snap-1234"}""",
            DependsOn = ["02-SnapshotCopy"],
        };
        _assign = new AssignTask("node1/3", "demo-s01234", spec.Id, 1, spec, "tenant-3", ["SnapshotCreate", "SnapshotCopy"], 0.45, 7.5,
            [new PrefetchCandidate(new DataRef("vol-07/snap-1234/meta", 262_144), 0.9, "demo-s01234/04-SnapshotShare in 1")]);
        _finished = new ChainProtocol.TaskFinished("demo-s01234", spec.Id, 1, "node1/3",
            TaskOutcome.Success(TimeSpan.FromMilliseconds(6.2), spec.Resources, 1_048_576, """{"op":"SnapshotView","bytes":1048576}"""));
        _serializer = _system.Serialization.FindSerializerFor(_assign);
        (_assignBytes, _finishedBytes) = (_serializer.ToBinary(_assign), _serializer.ToBinary(_finished));
        (_assignManifest, _finishedManifest) = (Serialization.ManifestFor(_serializer, _assign), Serialization.ManifestFor(_serializer, _finished));
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Baseline = true)]
    public byte[] AssignToBytes() => _serializer.ToBinary(_assign);

    [Benchmark]
    public object AssignFromBytes() => _system.Serialization.Deserialize(_assignBytes, _serializer.Identifier, _assignManifest);

    [Benchmark]
    public byte[] OutcomeToBytes() => _serializer.ToBinary(_finished);

    [Benchmark]
    public object OutcomeFromBytes() => _system.Serialization.Deserialize(_finishedBytes, _serializer.Identifier, _finishedManifest);

    /// <summary>The repository's hocon folder, found upwards from the benchmark's own folder.</summary>
    private static string FindHoconDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "hocon", "serialization.conf")))
                return Path.Combine(dir.FullName, "hocon");
        throw new DirectoryNotFoundException("no hocon/serialization.conf above " + AppContext.BaseDirectory);
    }
}
