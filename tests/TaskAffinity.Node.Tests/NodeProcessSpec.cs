using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Shouldly;
using Xunit;

namespace TaskAffinity.Node.Tests;

/// <summary>
/// The node as an operator runs it: <c>dotnet TaskAffinity.Node.dll</c> in a real process, its exit code and
/// what it prints. Each test works in a fresh temp folder, so the default ./data lands there.
/// </summary>
public sealed class NodeProcessSpec : IDisposable
{
    private static readonly TimeSpan RejectWithin = TimeSpan.FromSeconds(30);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_node_assembly_is_beside_the_tests_with_its_hocon_files()
    {
        File.Exists(NodeProcess.NodeDll).ShouldBeTrue();
        File.Exists(Path.ChangeExtension(NodeProcess.NodeDll, ".runtimeconfig.json")).ShouldBeTrue();
        File.Exists(Path.Combine(AppContext.BaseDirectory, "hocon", "taskaffinity.conf")).ShouldBeTrue();
    }

    [Fact]
    public async Task An_unknown_role_exits_with_code_2_naming_roles_and_the_known_ones()
    {
        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--roles", "painter", "--port", "0"], RejectWithin);

        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("roles");
        node.Stderr.ShouldContain("'painter'");
        node.Stderr.ShouldContain("scheduler, worker, client");
    }

    [Fact]
    public async Task A_config_file_with_a_negative_slot_count_exits_with_code_2_naming_the_key_and_the_range()
    {
        var config = _temp.File("bad-slots.conf", "taskaffinity.worker.slots = -3\n");

        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--config", config, "--port", "0"], RejectWithin);

        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("taskaffinity.worker.slots");
        node.Stderr.ShouldContain("integers from 0 to 1024");
    }

    [Fact]
    public async Task A_config_file_with_an_unknown_placement_policy_exits_with_code_2_naming_the_key_and_the_policies()
    {
        var config = _temp.File("bad-policy.conf", "taskaffinity.scheduler.policy = magic\n");

        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--config", config, "--port", "0"], RejectWithin);

        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("taskaffinity.scheduler.policy");
        node.Stderr.ShouldContain("'magic'");
        node.Stderr.ShouldContain("least-loaded");
    }

    [Fact]
    public async Task A_CLUSTER_PORT_that_is_not_a_number_exits_with_code_2_naming_the_variable()
    {
        var (code, node) = await NodeProcess.RunAsync(_temp.Path, [], RejectWithin,
            new Dictionary<string, string> { ["CLUSTER_PORT"] = "notaport" });

        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("CLUSTER_PORT");
        node.Stderr.ShouldContain("'notaport'");
    }

    [Fact]
    public async Task A_rejected_start_leaves_no_database_behind()
    {
        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--roles", "painter", "--port", "0"], RejectWithin);

        code.ShouldBe(2, node.Transcript());
        File.Exists(Path.Combine(_temp.Path, "data", "taskaffinity.db")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_demo_runs_its_sessions_to_the_end_and_prints_a_summary_with_nothing_lost()
    {
        var data = Path.Combine(_temp.Path, "demo-data");

        var (code, node) = await NodeProcess.RunAsync(_temp.Path,
            ["demo", "--sessions", "30", "--rate", "60", "--seed", "7", "--data-dir", data], TimeSpan.FromSeconds(120));

        code.ShouldBe(0, node.Transcript());
        var lines = node.StdoutLines;
        lines.ShouldContain(l => Regex.IsMatch(l, "^chains: submitted 30  acknowledged 30 .* lost 0$"), node.Transcript());
        lines.ShouldContain(l => Regex.IsMatch(l, "^tasks: .* lost 0$"), node.Transcript());
        lines.ShouldContain(l => l.StartsWith("throughput: ", StringComparison.Ordinal), node.Transcript());

        var latency = lines.Select(l => Regex.Match(l, @"^latency ms: mean (\S+)  p50 (\S+)  p95 (\S+)  p99 (\S+)$")).FirstOrDefault(m => m.Success);
        latency.ShouldNotBeNull(node.Transcript());
        var (mean, p50, p95, p99) = (Number(latency, 1), Number(latency, 2), Number(latency, 3), Number(latency, 4));
        mean.ShouldBeGreaterThan(0);
        p50.ShouldBeGreaterThan(0);
        p50.ShouldBeLessThanOrEqualTo(p95);
        p95.ShouldBeLessThanOrEqualTo(p99);
        File.Exists(Path.Combine(data, "taskaffinity.db")).ShouldBeTrue();
    }

    [Fact]
    public async Task The_demo_rejects_zero_sessions_with_code_2_naming_the_flag()
    {
        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["demo", "--sessions", "0"], RejectWithin);

        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("--sessions");
        node.Stderr.ShouldContain("integers from 1 to 100000");
    }

    [Fact]
    public async Task A_server_registers_its_host_and_on_SIGTERM_leaves_with_code_0_and_a_WAL_mode_database()
    {
        var data = Path.Combine(_temp.Path, "srv-data");
        using var node = NodeProcess.Start(_temp.Path, ["--port", "0", "--name", "srv", "--data-dir", data]);

        await node.WaitForLineAsync(l => l.Contains("Host srv registered", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        using (var kill = Process.Start("kill", ["-TERM", node.Id.ToString(CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync();

        var code = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));

        code.ShouldBe(0, node.Transcript());
        var database = Path.Combine(data, "taskaffinity.db");
        File.Exists(database).ShouldBeTrue();
        JournalMode(database).ShouldBe("wal");
    }

    [Fact]
    public async Task A_server_writes_its_log_file_into_the_data_folder()
    {
        var data = Path.Combine(_temp.Path, "log-data");
        using var node = NodeProcess.Start(_temp.Path, ["--port", "0", "--name", "logger", "--data-dir", data]);

        await node.WaitForLineAsync(l => l.Contains("Host logger registered", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        using (var kill = Process.Start("kill", ["-TERM", node.Id.ToString(CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync();
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, node.Transcript());

        var logs = Directory.GetFiles(Path.Combine(data, "logs"), "node-*.log");
        logs.ShouldHaveSingleItem();
        File.ReadAllText(logs[0]).ShouldContain("Host logger registered");
    }

    [Fact]
    public async Task A_data_dir_that_is_not_a_folder_exits_with_code_2_naming_data_dir()
    {
        var notAFolder = _temp.File("plain-file", "not a folder");

        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--data-dir", notAFolder, "--port", "0"], RejectWithin);

        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("data-dir");
        node.Stderr.ShouldNotContain("Unhandled exception");
    }

    [Fact]
    public async Task A_second_node_on_a_port_already_in_use_fails_to_start()
    {
        var port = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        using var first = NodeProcess.Start(_temp.Path, ["--port", port, "--name", "first", "--data-dir", Path.Combine(_temp.Path, "first")]);
        await first.WaitForLineAsync(l => l.Contains("Host first registered", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        using var second = NodeProcess.Start(_temp.Path, ["--port", port, "--name", "second", "--data-dir", Path.Combine(_temp.Path, "second")]);
        var code = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        code.ShouldBe(1, second.Transcript());
        second.Stdout.ShouldNotContain("Host second registered");
        second.Stderr.ShouldContain("the remoting port is already in use");
    }

    private static double Number(Match match, int group) =>
        double.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string? JournalMode(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return command.ExecuteScalar() as string;
    }
}
