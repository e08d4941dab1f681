using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Node.Admin;
using TaskAffinity.Node.Demo;

namespace TaskAffinity.Node;

/// <summary>The node's generic host: Serilog, the built-in snapshot-service handlers, and the TaskAffinity node.</summary>
internal static class NodeHost
{
    /// <exception cref="SettingsException">A configuration value is not accepted (nothing has started).</exception>
    public static IHost Build(NodeOptions options, LogEventLevel consoleLevel)
    {
        var node = NodeConfig.Load(options);
        return Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services =>
            {
                services.AddNodeLogging(options.DataDirectory, consoleLevel);
                services.AddSnapshotService(BlockStoreSettings.FromConfig(node.Hocon));
                services.AddTaskAffinity(options);
            })
            .AddAdminEndpoint(node)
            .Build();
    }
}
