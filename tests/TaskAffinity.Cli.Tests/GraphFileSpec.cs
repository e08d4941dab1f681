using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>--file is read on the operator's machine and its content sent as --graph, since the node may be elsewhere.</summary>
public sealed class GraphFileSpec : IClassFixture<FakeCommandHost>, IDisposable
{
    private const string Graph = "{\n  \"tasks\": [ { \"id\": \"a\", \"type\": \"View\", \"note\": \"it's \\\"quoted\\\"\" } ]\n}\n";

    private readonly FakeCommandHost host;
    private readonly string folder = Directory.CreateTempSubdirectory("tactl-graph-").FullName;

    public GraphFileSpec(FakeCommandHost host)
    {
        this.host = host;
        host.Reset();
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task File_and_its_path_are_replaced_by_graph_and_the_files_content()
    {
        var path = Path.Combine(folder, "graph.json");
        await File.WriteAllTextAsync(path, Graph);

        var result = await TactlRun.RunAsync([host.Address, "tasks", "submit", "--file", path, "--wait"]);

        result.ExitCode.ShouldBe(0);
        host.Requests.Single().Args.ShouldBe(["tasks", "submit", "--graph", Graph, "--wait"]);
    }

    [Fact]
    public async Task The_equals_form_is_replaced_too()
    {
        var path = Path.Combine(folder, "graph.json");
        await File.WriteAllTextAsync(path, Graph);

        await TactlRun.RunAsync([host.Address, "tasks", "submit", $"--file={path}"]);

        host.Requests.Single().Args.ShouldBe(["tasks", "submit", "--graph", Graph]);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error_naming_the_path_and_nothing_is_sent()
    {
        var path = Path.Combine(folder, "missing.json");

        var result = await TactlRun.RunAsync([host.Address, "tasks", "submit", "--file", path]);

        result.ExitCode.ShouldBe(2);
        TactlRun.Lf(result.Error).ShouldBe($"tactl: cannot read --file '{path}': no such file\n");
        host.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_folder_is_not_a_readable_file()
    {
        var result = await TactlRun.RunAsync([host.Address, "tasks", "submit", "--file", folder]);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldStartWith($"tactl: cannot read --file '{folder}': ");
        host.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task File_without_a_path_is_a_usage_error()
    {
        var result = await TactlRun.RunAsync([host.Address, "tasks", "submit", "--file"]);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("--file needs the path");
        host.Requests.ShouldBeEmpty();
    }
}
