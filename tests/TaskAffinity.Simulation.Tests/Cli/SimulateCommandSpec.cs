using System.CommandLine;
using Shouldly;
using TaskAffinity.Simulation.Cli;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Cli;

public sealed class SimulateCommandSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "taskaffinity-sim-tests", Guid.NewGuid().ToString("N"));

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = SimulateCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--queue", "fifo", "--queue: unknown queue model 'fifo'; accepted: central, worker")]
    [InlineData("--queue", "Central", "--queue: unknown queue model 'Central'; accepted: central, worker")]
    [InlineData("--queue", "", "--queue: unknown queue model ''; accepted: central, worker")]
    [InlineData("--line", "fifo", "--line: unknown line order 'fifo'; accepted: type, chain, arrival")]
    [InlineData("--line", "Type", "--line: unknown line order 'Type'; accepted: type, chain, arrival")]
    public void An_unknown_queue_model_or_line_order_is_rejected_with_the_accepted_ones_named(string option, string value, string message)
    {
        var (code, _, error) = Invoke("--trace", "builtin:recurring:5", "--out", _dir, option, value);

        code.ShouldBe(2);
        error.ShouldContain(message);
        Directory.Exists(_dir).ShouldBeFalse();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void A_worker_capacity_below_one_is_rejected(string capacity)
    {
        var (code, _, error) = Invoke("--trace", "builtin:recurring:5", "--out", _dir, "--worker-capacity", capacity);

        code.ShouldBe(2);
        error.ShouldContain($"--worker-capacity: '{capacity}' must be a whole number of tasks ≥ 1");
        Directory.Exists(_dir).ShouldBeFalse();
    }

    [Fact]
    public void The_help_names_both_queue_models_and_the_capacity()
    {
        var (code, output, _) = Invoke("--help");

        code.ShouldBe(0);
        output.ShouldContain("--queue");
        output.ShouldContain("central");
        output.ShouldContain("worker");
        output.ShouldContain("--worker-capacity");
    }

    [Theory]
    [InlineData("central", "1", "Queue: central (`--queue central`). A worker holds at most 1 task, the one it runs included")]
    [InlineData("worker", "5", "Queue: per worker (`--queue worker`).")]
    public void The_report_says_which_queue_model_ran(string queue, string capacity, string note)
    {
        var (code, output, error) = Invoke("--trace", "builtin:recurring:20", "--policies", "affinity,least-loaded", "--hosts", "1x1", "--out", _dir,
            "--queue", queue, "--worker-capacity", capacity);

        code.ShouldBe(0, error);
        output.ShouldContain(note);
        File.ReadAllText(Path.Combine(_dir, "report.md")).ShouldContain(note);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
