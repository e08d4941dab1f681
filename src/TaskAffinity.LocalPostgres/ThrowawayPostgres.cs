using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TaskAffinity.LocalPostgres;

/// <summary>
/// A private PostgreSQL server in a temporary folder, on a free port of 127.0.0.1, with one empty database:
/// for benchmarks and tests, so nothing needs installing or starting by hand. Uses the server binaries of
/// the machine (Debian: /usr/lib/postgresql/N/bin). Disposing stops it and deletes its folder.
/// fsync stays on, so what it acknowledges is as durable as on a real server.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private readonly string _bin;
    private readonly string _root;
    private bool _stopped;

    private ThrowawayPostgres(string bin, string root, int port, string database)
    {
        _bin = bin;
        _root = root;
        Port = port;
        Database = database;
    }

    public int Port { get; }

    public string Database { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={Database}";

    /// <summary>The server binaries, or null with the places looked in. TASKAFFINITY_PG_BIN overrides the search.</summary>
    public static string? FindBinaries(out string lookedIn)
    {
        var configured = Environment.GetEnvironmentVariable("TASKAFFINITY_PG_BIN");
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured)) candidates.Add(configured);
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        candidates.Add("/usr/local/pgsql/bin");
        lookedIn = string.Join(", ", candidates);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    /// <summary>Creates the cluster, starts the server and creates <paramref name="database"/>.</summary>
    /// <exception cref="InvalidOperationException">No server binaries, or a step failed (its output is in the message).</exception>
    public static async Task<ThrowawayPostgres> StartAsync(string database = "taskaffinity", CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries(out var lookedIn)
                  ?? throw new InvalidOperationException($"PostgreSQL server binaries (initdb, pg_ctl) not found in {lookedIn}; install them (Debian: apt-get install postgresql) or set TASKAFFINITY_PG_BIN");
        var root = Path.Combine(Path.GetTempPath(), $"taskaffinity-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        var server = new ThrowawayPostgres(bin, root, FreePort(), database);
        try
        {
            // initdb refuses to run as root: the folder then belongs to the postgres user, who runs the server.
            if (Environment.UserName == "root")
                await RunAsync("chown", ["-R", $"{Superuser}:{Superuser}", root], asPostgres: false, cancellationToken);
            await server.RunToolAsync("initdb", ["-D", server.DataDir, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-sync"], cancellationToken);
            await server.RunToolAsync("pg_ctl", ["-D", server.DataDir, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o",
                $"-c listen_addresses=127.0.0.1 -p {server.Port} -c unix_socket_directories={Path.Combine(root, "sock")} -c max_connections=200", "start"], cancellationToken);
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username={Superuser};Database=postgres");
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates another empty database on this server and returns its connection string: tests that must not
    /// see each other's journals share one server, each with a database of its own.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z][a-z0-9_]{0,62}$"))
            throw new ArgumentException($"database name '{name}' must be lower-case letters, digits and '_', starting with a letter", nameof(name));
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username={Superuser};Database=postgres");
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={name}";
    }

    private string DataDir => Path.Combine(_root, "data");

    public async ValueTask DisposeAsync()
    {
        if (!_stopped && File.Exists(Path.Combine(DataDir, "postmaster.pid")))
        {
            try { await RunToolAsync("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "stop"], CancellationToken.None); }
            catch (InvalidOperationException) { } // already gone: nothing to stop
        }
        _stopped = true;
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_bin, tool), arguments, asPostgres: Environment.UserName == "root", cancellationToken);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", Superuser, "--", program }) start.ArgumentList.Add(a);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
