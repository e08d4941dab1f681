using System.Text;
using System.Text.Json;
using Shouldly;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Traces;

public class WfFormatReaderSpec
{
    // ---- the real WfInstances files ---------------------------------------------------------------------

    public static TheoryData<string> RealInstances()
    {
        var data = new TheoryData<string>();
        foreach (var file in RealInstanceFiles())
            data.Add(Path.GetRelativePath(WfInstancesDir, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(RealInstances))]
    public void Every_real_instance_imports_with_all_its_tasks_and_dependencies_that_exist(string relativePath)
    {
        var file = Path.Combine(WfInstancesDir, relativePath);

        var run = WfFormatReader.Read(file);

        var chain = run.Chain;
        chain.ChainId.ShouldBe(Path.GetFileNameWithoutExtension(file));
        chain.Tasks.Length.ShouldBe(SpecificationTaskCount(file));
        var ids = chain.Tasks.Select(t => t.Id).ToHashSet();
        // Collected, then asserted once: a Shouldly assertion per task would dominate the test's time.
        chain.Tasks.SelectMany(t => t.After.Where(parent => !ids.Contains(parent)).Select(parent => $"{t.Id} after {parent}"))
            .ShouldBeEmpty("dependencies on tasks that do not exist");
        chain.Tasks.Where(t => t.DurationS < 0).Select(t => t.Id).ShouldBeEmpty("negative durations");
        chain.Tasks.Where(t => !TaskType.IsValidName(t.Type.Name)).Select(t => t.Id).ShouldBeEmpty("invalid task types");
        chain.Tasks.SelectMany(t => t.Inputs.Concat(t.Outputs)).Where(d => !d.Key.StartsWith(chain.ChainId + "/", StringComparison.Ordinal))
            .Select(d => d.Key).ShouldBeEmpty("data keys outside the run");
        run.ExecutedAt.ShouldNotBeNull();
        run.Machines.ShouldNotBeEmpty();
    }

    [Fact]
    public void Some_real_instance_records_the_host_each_task_ran_on()
    {
        var files = RealInstanceFiles();

        files.ShouldNotBeEmpty($"no WfFormat files under {WfInstancesDir}");
        files.ShouldContain(file => WfFormatReader.Read(file).Chain.Tasks.All(t => t.Host != null));
    }

    [Fact]
    public void Makeflow_task_names_lose_their_ID_suffix_and_become_the_task_type()
    {
        var run = WfFormatReader.Read(Path.Combine(WfInstancesDir, "makeflow", "blast-chameleon-small-001.json"));

        run.Chain.App.ShouldBe("makeflow-blast-small");
        run.Chain.Tasks.First().Id.ShouldBe("split_fasta_ID000001");
        run.Chain.Tasks.Select(t => t.Type.Name).Distinct().Order()
            .ShouldBe(["blastall", "cat", "cat_blast", "split_fasta"]);
    }

    // ---- mapping ------------------------------------------------------------------------------------------

    [Fact]
    public void Task_fields_come_from_the_specification_and_its_execution_entry()
    {
        var run = ReadJson(TwoTasks, "runs/demo-001.json");

        run.ExecutedAt.ShouldBe(new DateTimeOffset(2020, 12, 25, 20, 10, 8, TimeSpan.Zero));
        run.Machines.ShouldBe(["worker-1", "worker-2"]);
        run.Chain.ChainId.ShouldBe("demo-001");
        run.Chain.App.ShouldBe("demo");
        run.Chain.ArrivalS.ShouldBe(0);
        var (a, b) = (run.Chain.Tasks[0], run.Chain.Tasks[1]);
        a.Type.ShouldBe(new TaskType("split"));
        a.DurationS.ShouldBe(2.5);
        a.Cpu.ShouldBe(0.95, tolerance: 1e-9);
        a.MemoryMb.ShouldBe(3);
        a.Host.ShouldBe("worker-2");
        a.After.ShouldBeEmpty();
        b.Type.ShouldBe(new TaskType("merge"));
        b.After.ShouldBe(["split_ID000001"]);
        b.Host.ShouldBeNull();
    }

    [Fact]
    public void Input_and_output_sizes_come_from_the_specification_files_under_run_scoped_keys()
    {
        var run = ReadJson(TwoTasks, "demo-001.json");

        var (a, b) = (run.Chain.Tasks[0], run.Chain.Tasks[1]);
        a.Inputs.ShouldBe([new DataRef("demo-001/in.txt", 100)]);
        a.Outputs.ShouldBe([new DataRef("demo-001/mid.txt", 40)]);
        b.Inputs.ShouldBe([new DataRef("demo-001/mid.txt", 40)]);
        b.Outputs.ShouldBe([new DataRef("demo-001/out.txt", 250)]);
    }

    [Fact]
    public void Two_runs_of_the_same_workflow_do_not_share_data_keys()
    {
        var first = ReadJson(TwoTasks, "demo-001.json").Chain.Tasks[0].Inputs.Single();
        var second = ReadJson(TwoTasks, "demo-002.json").Chain.Tasks[0].Inputs.Single();

        first.Key.ShouldNotBe(second.Key);
    }

    [Fact]
    public void Cpu_falls_back_to_the_core_count_and_then_to_one_core_and_memory_to_zero()
    {
        var json = Workflow(
            "{ 'id': 'a', 'name': 'a' }, { 'id': 'b', 'name': 'b' }",
            "{ 'id': 'a', 'runtimeInSeconds': 1, 'coreCount': 4 }, { 'id': 'b', 'runtimeInSeconds': 1, 'avgCPU': null }");

        var tasks = ReadJson(json).Chain.Tasks;

        tasks[0].Cpu.ShouldBe(4);
        tasks[1].Cpu.ShouldBe(1);
        tasks[1].MemoryMb.ShouldBe(0);
    }

    [Fact]
    public void App_is_the_folder_name_when_the_workflow_has_no_name()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a' }", "{ 'id': 'a', 'runtimeInSeconds': 1 }").Replace("\"name\": \"demo\", ", "");

        ReadJson(json, "instances/blast/run-7.json").Chain.App.ShouldBe("blast");
    }

    [Theory]
    [InlineData("mProject_ID0000001", "mProject")]
    [InlineData("NFCORE_RNASEQ.RNASEQ.ALIGN_STAR.STAR_ALIGN", "NFCORE_RNASEQ.RNASEQ.ALIGN_STAR.STAR_ALIGN")]
    [InlineData("NFCORE_RNASEQ.RNASEQ.FASTQC (SAMPLE_1)", "NFCORE_RNASEQ.RNASEQ.FASTQC")]
    [InlineData("FASTQC (1)", "FASTQC")]
    [InlineData("_ID0001", "_ID0001")]
    [InlineData("my task:v2", "my_task_v2")]
    [InlineData("NFCORE:RNASEQ:FASTQC", "NFCORE_RNASEQ_FASTQC")]
    public void Task_type_is_the_name_without_its_instance_suffix_with_invalid_characters_replaced(string name, string type)
    {
        WfFormatReader.TaskTypeFromName(name).Name.ShouldBe(type);
    }

    [Fact]
    public void A_name_too_long_for_a_task_type_is_shortened_and_stays_distinct()
    {
        var first = WfFormatReader.TaskTypeFromName(new string('a', 200) + "/x");
        var second = WfFormatReader.TaskTypeFromName(new string('a', 200) + "/y");

        TaskType.IsValidName(first.Name).ShouldBeTrue();
        first.Name.Length.ShouldBe(128);
        first.ShouldNotBe(second);
        WfFormatReader.TaskTypeFromName(new string('a', 200) + "/x").ShouldBe(first);
    }

    // ---- errors: each names the file, the JSON path and the field ----------------------------------------

    [Fact]
    public void Text_that_is_not_json_is_rejected_with_its_line_and_byte()
    {
        var error = Should.Throw<TraceFormatException>(() => ReadJson("{\n  \"workflow\": @ }", "bad-run.json"));

        error.Message.ShouldContain("bad-run.json");
        error.Location.ShouldBe("line 2, byte 15");
        error.Field.ShouldBe("JSON");
    }

    [Fact]
    public void A_workflow_without_specification_tasks_is_rejected()
    {
        var json = """{ "workflow": { "specification": { "files": [] }, "execution": { "tasks": [] } } }""";

        Rejected(json, "$.workflow.specification.tasks", "tasks");
    }

    [Fact]
    public void A_task_without_an_id_is_rejected()
    {
        Rejected(Workflow("{ 'name': 'a' }", ""), "$.workflow.specification.tasks[0].id", "id");
    }

    [Fact]
    public void A_task_without_a_name_is_rejected()
    {
        Rejected(Workflow("{ 'id': 'a' }", "{ 'id': 'a', 'runtimeInSeconds': 1 }"), "$.workflow.specification.tasks[0].name", "name");
    }

    [Fact]
    public void A_task_id_used_twice_is_rejected()
    {
        var error = Rejected(Workflow("{ 'id': 'a', 'name': 'a' }, { 'id': 'a', 'name': 'a' }", ""),
            "$.workflow.specification.tasks[1].id", "id");

        error.Message.ShouldContain("tasks[0]");
    }

    [Fact]
    public void A_parent_that_does_not_exist_is_rejected()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a' }, { 'id': 'b', 'name': 'b', 'parents': ['a', 'ghost'] }", "");

        Rejected(json, "$.workflow.specification.tasks[1].parents[1]", "parents").Message.ShouldContain("ghost");
    }

    [Fact]
    public void An_execution_entry_for_an_unknown_task_is_rejected()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a' }", "{ 'id': 'a', 'runtimeInSeconds': 1 }, { 'id': 'ghost', 'runtimeInSeconds': 1 }");

        Rejected(json, "$.workflow.execution.tasks[1].id", "id").Message.ShouldContain("ghost");
    }

    [Fact]
    public void A_negative_runtime_is_rejected()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a' }", "{ 'id': 'a', 'runtimeInSeconds': -1.5 }");

        Rejected(json, "$.workflow.execution.tasks[0].runtimeInSeconds", "runtimeInSeconds").Message.ShouldContain("-1.5");
    }

    [Fact]
    public void A_runtime_that_is_not_a_number_is_rejected()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a' }", "{ 'id': 'a', 'runtimeInSeconds': '12' }");

        Rejected(json, "$.workflow.execution.tasks[0].runtimeInSeconds", "runtimeInSeconds").Message.ShouldContain("a string");
    }

    [Fact]
    public void A_file_id_missing_from_the_specification_files_is_rejected()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a', 'inputFiles': ['in.txt'], 'outputFiles': ['lost.txt'] }",
            "{ 'id': 'a', 'runtimeInSeconds': 1 }");

        Rejected(json, "$.workflow.specification.tasks[0].outputFiles[0]", "outputFiles").Message.ShouldContain("lost.txt");
    }

    [Fact]
    public void Tasks_that_wait_for_each_other_in_a_cycle_are_rejected_with_the_cycle_named()
    {
        var json = Workflow(
            "{ 'id': 'a', 'name': 'a' }, { 'id': 'b', 'name': 'b', 'parents': ['a', 'c'] }, { 'id': 'c', 'name': 'c', 'parents': ['b'] }",
            "{ 'id': 'a', 'runtimeInSeconds': 1 }, { 'id': 'b', 'runtimeInSeconds': 1 }, { 'id': 'c', 'runtimeInSeconds': 1 }");

        Rejected(json, "$.workflow.specification.tasks[1].parents", "parents").Message.ShouldContain("b -> c -> b");
    }

    [Fact]
    public void A_task_without_an_execution_entry_is_rejected()
    {
        var json = Workflow("{ 'id': 'a', 'name': 'a' }, { 'id': 'b', 'name': 'b' }", "{ 'id': 'a', 'runtimeInSeconds': 1 }");

        Rejected(json, "$.workflow.specification.tasks[1]", "id").Message.ShouldContain("'b'");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /// <summary>split_ID000001 (in.txt → mid.txt) then merge_ID000002 (mid.txt → out.txt).</summary>
    private static readonly string TwoTasks = Workflow(
        """
        { 'id': 'split_ID000001', 'name': 'split_ID000001', 'parents': [], 'children': ['merge_ID000002'],
          'inputFiles': ['in.txt'], 'outputFiles': ['mid.txt'] },
        { 'id': 'merge_ID000002', 'name': 'merge_ID000002', 'parents': ['split_ID000001'], 'children': [],
          'inputFiles': ['mid.txt'], 'outputFiles': ['out.txt'] }
        """,
        """
        { 'id': 'split_ID000001', 'runtimeInSeconds': 2.5, 'avgCPU': 95.0, 'coreCount': 1, 'memoryInBytes': 3145728,
          'machines': ['worker-2'] },
        { 'id': 'merge_ID000002', 'runtimeInSeconds': 0.5, 'machines': [] }
        """);

    /// <summary>A WfFormat 1.5 document around the given tasks, written with ' for " to stay readable.</summary>
    private static string Workflow(string specTasks, string execTasks) =>
        $$"""
        { 'name': 'demo', 'schemaVersion': '1.5',
          'workflow': {
            'specification': {
              'tasks': [ {{specTasks}} ],
              'files': [ { 'id': 'in.txt', 'sizeInBytes': 100 }, { 'id': 'mid.txt', 'sizeInBytes': 40 },
                         { 'id': 'out.txt', 'sizeInBytes': 250 } ] },
            'execution': {
              'executedAt': '2020-12-25T20:10:08+00:00',
              'machines': [ { 'nodeName': 'worker-1' }, { 'nodeName': 'worker-2' } ],
              'tasks': [ {{execTasks}} ] } } }
        """.Replace('\'', '"');

    private static WfRun ReadJson(string json, string fileName = "run-001.json") =>
        WfFormatReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), fileName);

    private static TraceFormatException Rejected(string json, string path, string field)
    {
        var error = Should.Throw<TraceFormatException>(() => ReadJson(json, "bad-run.json"));

        error.Message.ShouldContain("bad-run.json");
        error.Message.ShouldContain(path);
        error.Message.ShouldContain(field);
        error.Location.ShouldBe(path);
        error.Field.ShouldBe(field);
        return error;
    }

    private static int SpecificationTaskCount(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        return document.RootElement.GetProperty("workflow").GetProperty("specification").GetProperty("tasks").GetArrayLength();
    }

    private static string[] RealInstanceFiles() =>
        [.. Directory.EnumerateFiles(WfInstancesDir, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static readonly string WfInstancesDir = Path.Combine(FindWorkloads(), "wfinstances");

    // The shared workloads sit beside the repository (../shared/workloads from its root); walk up from the
    // test assembly so the tests run from any checkout location.
    private static string FindWorkloads()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "..", "shared", "workloads"), Path.Combine(dir.FullName, "shared", "workloads") })
            {
                if (Directory.Exists(candidate))
                    return Path.GetFullPath(candidate);
            }
        }
        return "/work/shared/workloads";
    }
}
