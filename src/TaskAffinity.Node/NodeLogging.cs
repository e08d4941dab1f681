using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace TaskAffinity.Node;

/// <summary>
/// Serilog is the sink for everything: the application's ILogger and, through Akka.Hosting's logger factory
/// bridge, Akka's own log lines (their origin in the LogSource property).
/// </summary>
internal static class NodeLogging
{
    public static void AddNodeLogging(this IServiceCollection services, string dataDirectory, LogEventLevel consoleLevel)
    {
        var logFile = Path.Combine(dataDirectory, "logs", "node-.log");
        services.AddSerilog((_, log) => log
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(restrictedToMinimumLevel: consoleLevel,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {LogSource}{SourceContext}: {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(logFile, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 7,
                outputTemplate: "{Timestamp:o} [{Level:u3}] {LogSource}{SourceContext}: {Message:lj}{NewLine}{Exception}"));
    }
}
