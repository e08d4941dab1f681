using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Events;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Node.Demo;

/// <summary><c>demo</c>: one node on a fresh embedded SQLite database, running the snapshot-service workload.</summary>
internal sealed class DemoCommand
{
    private readonly Option<int> _sessions = new("--sessions") { Description = "User sessions to run (1 to 100000)", DefaultValueFactory = _ => 600 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the workload; the same seed gives the same sessions", DefaultValueFactory = _ => 42 };
    private readonly Option<double> _rate = new("--rate") { Description = "Sessions arriving per second (0.1 to 10000)", DefaultValueFactory = _ => 15.0 };
    private readonly Option<string> _prefetch = new("--prefetch") { Description = "Predictive prefetch: on or off", DefaultValueFactory = _ => "on" };

    public DemoCommand(NodeCommandLine flags)
    {
        Command = new Command("demo", "Run a single node with the built-in snapshot-service workload and print a summary.");
        Command.Options.Add(_sessions);
        Command.Options.Add(_seed);
        Command.Options.Add(_rate);
        Command.Options.Add(_prefetch);
        Command.SetAction(async (parsed, cancellationToken) =>
        {
            try
            {
                var sessions = parsed.GetValue(_sessions);
                var rate = parsed.GetValue(_rate);
                if (sessions is < 1 or > 100_000)
                    throw new SettingsException("--sessions", sessions.ToString(), "integers from 1 to 100000");
                if (rate is < 0.1 or > 10_000 || double.IsNaN(rate))
                    throw new SettingsException("--rate", rate.ToString(), "numbers from 0.1 to 10000");
                var prefetch = parsed.GetValue(_prefetch) switch
                {
                    "on" => true,
                    "off" => false,
                    var other => throw new SettingsException("--prefetch", other ?? "", "on or off"),
                };
                var options = flags.ToOptions(parsed, Environment.GetEnvironmentVariable, defaultPort: 0, defaultDataDir: Path.Combine("data", "demo"), defaultAdmin: "127.0.0.1:0");
                // Akka's own INFO lines (and those printed while it shuts down) would bury the summary.
                options = options with { ExtraHocon = $"akka.loglevel = WARNING\ntaskaffinity.prefetch.enabled = {(prefetch ? "on" : "off")}\n" + options.ExtraHocon };
                var workload = new DemoWorkload(sessions, parsed.GetValue(_seed), rate, prefetch);
                return await RunAsync(options, workload, cancellationToken);
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"taskaffinity demo: {e.Message}");
                return 2;
            }
        });
    }

    public Command Command { get; }

    private static async Task<int> RunAsync(NodeOptions options, DemoWorkload workload, CancellationToken cancellationToken)
    {
        // Every demo run starts from an empty database, so its numbers are its own.
        foreach (var file in Directory.Exists(options.DataDirectory) ? Directory.GetFiles(options.DataDirectory, "taskaffinity.db*") : [])
            File.Delete(file);

        // The console carries progress and the summary; warnings (e.g. Akka's shutdown chatter) go to the log file.
        using var host = NodeHost.Build(options, LogEventLevel.Error);
        Console.WriteLine($"TaskAffinity demo: {workload.Sessions} sessions, seed {workload.Seed}, {workload.Rate:0.#} sessions/s, prefetch {(workload.Prefetch ? "on" : "off")}; database {options.SqliteFile}");
        await host.StartAsync(cancellationToken);
        try
        {
            // Ctrl+C stops the host; the run stops with it.
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
            var report = await new DemoRunner(host.Services, workload, Console.Out).RunAsync(cancel.Token);
            report.Print(Console.Out);
            return report.LostChains == 0 ? 0 : 1;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}

internal sealed record DemoWorkload(int Sessions, int Seed, double Rate, bool Prefetch = true);
