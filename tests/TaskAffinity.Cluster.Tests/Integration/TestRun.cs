using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: Xunit.TestFramework("TaskAffinity.Cluster.Tests.Integration.TestRun", "TaskAffinity.Cluster.Tests")]

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// xUnit 2's test framework with one addition: the shared PostgreSQL server is stopped after the last test,
/// still inside the run. xUnit 2 has no assembly fixture, and a ProcessExit handler is too late: the test
/// platform kills the test host 100 ms after the run, which left servers running and folders behind.
/// </summary>
public sealed class TestRun(IMessageSink diagnostics) : XunitTestFramework(diagnostics)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sources, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sources, diagnostics)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink,
            ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnostics,
        IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnostics, executionMessageSink, executionOptions)
    {
        // Runs before the "assembly finished" message, so the runner waits for it; a failure is reported as an error.
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            await SharedPostgres.StopAsync();
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
