using System.Globalization;

namespace TaskAffinity.Node.Tests.Cluster;

/// <summary>One run of a task attempt on a node, from the node's run log (an end is missing if the node died first).</summary>
internal sealed record TaskRun(string Node, string Key, string ChainId, DateTimeOffset Start, DateTimeOffset? End);

/// <summary>Reads the nodes' run logs (taskaffinity.worker.run-log) and answers what ran where, and how often.</summary>
internal sealed class RunLogs
{
    private RunLogs(IReadOnlyList<TaskRun> runs) => Runs = runs;

    public IReadOnlyList<TaskRun> Runs { get; }

    public static RunLogs Read(IEnumerable<(string Node, string Path)> logs) =>
        new([.. logs.SelectMany(l => ReadOne(l.Node, l.Path))]);

    /// <summary>Start lines so far, across the logs: cheap enough to poll.</summary>
    public static int CountStarts(IEnumerable<string> paths) =>
        paths.Sum(p => Lines(p).Count(l => l.Contains("\tstart\t", StringComparison.Ordinal)));

    /// <summary>Task attempts started more than once.</summary>
    public IReadOnlyList<string> StartedTwice() =>
        [.. Runs.GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => g.Key)];

    private static IEnumerable<TaskRun> ReadOne(string node, string path)
    {
        var open = new Dictionary<string, (string Chain, DateTimeOffset Start)>(StringComparer.Ordinal);
        var runs = new List<TaskRun>();
        foreach (var line in Lines(path))
        {
            var f = line.Split('\t');
            if (f.Length < 6) continue; // a line cut by SIGKILL
            var at = DateTimeOffset.Parse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            var key = $"{f[3]}/{f[4]}#{f[5]}";
            if (f[1] == "start")
                open[key] = (f[3], at);
            else if (f[1] == "end" && open.Remove(key, out var started))
                runs.Add(new TaskRun(node, key, started.Chain, started.Start, at));
        }
        runs.AddRange(open.Select(o => new TaskRun(node, o.Key, o.Value.Chain, o.Value.Start, null)));
        return runs;
    }

    private static IEnumerable<string> Lines(string path) => File.Exists(path) ? NodeProcess.ReadShared(path) : [];
}
