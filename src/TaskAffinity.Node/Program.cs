using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Serilog.Events;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Node;
using TaskAffinity.Node.Demo;

// A TaskAffinity node. Without a command it runs as a server until Ctrl+C or SIGTERM (leaving the cluster
// gracefully); `demo` runs a single node with a built-in workload and prints a summary.
var flags = new NodeCommandLine();
var root = new RootCommand("TaskAffinity: a learning task scheduler on Akka.NET. Runs one cluster node.");
foreach (var option in flags.All)
    root.Options.Add(option);

var demo = new DemoCommand(flags);
root.Subcommands.Add(demo.Command);

root.SetAction(async (parsed, cancellationToken) =>
{
    try
    {
        var options = flags.ToOptions(parsed, Environment.GetEnvironmentVariable, defaultPort: 4053, defaultDataDir: "data");
        using var host = NodeHost.Build(options, LogEventLevel.Information);
        await host.RunAsync(cancellationToken);
        return 0;
    }
    catch (SettingsException e)
    {
        await Console.Error.WriteLineAsync($"taskaffinity: {e.Message}");
        return 2;
    }
    catch (Exception e) when (StartupFailure.Describe(e) is { } reason)
    {
        await Console.Error.WriteLineAsync($"taskaffinity: the node could not start: {reason}");
        return 1;
    }
});

// Ctrl+C and SIGTERM belong to the generic host, which leaves the cluster gracefully however long it takes;
// System.CommandLine's own handling would end the process after a fixed timeout.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
