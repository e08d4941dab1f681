using TaskAffinity.Simulation.Cli;

return await SimulateCommand.Create().Parse(args).InvokeAsync();
