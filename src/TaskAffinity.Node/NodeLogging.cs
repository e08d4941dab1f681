using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Core;
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
            .Enrich.With<OriginEnricher>()
            .WriteTo.Console(restrictedToMinimumLevel: consoleLevel,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Origin}: {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(logFile, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 7,
                outputTemplate: "{Timestamp:o} [{Level:u3}] {Origin}: {Message:lj}{NewLine}{Exception}"));
    }
}

/// <summary>
/// One "Origin" property for every line: Akka's log source (actor path or class) where the line comes from
/// Akka, the logger's category otherwise.
/// </summary>
internal sealed class OriginEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory)
    {
        var origin = logEvent.Properties.GetValueOrDefault("LogSource") ?? logEvent.Properties.GetValueOrDefault("SourceContext");
        var text = origin is ScalarValue { Value: string s } ? s : origin?.ToString() ?? "";
        logEvent.AddPropertyIfAbsent(factory.CreateProperty("Origin", text));
    }
}
