// The worker executable is a thin shell: everything it does lives in BatchPool's Worker folder, so that
// the client and the worker always share one build of the codec.
// Not an async Main: serving jobs is synchronous, and an async Main's state machine is compiled at every start.
return BatchPool.Worker.WorkerHost.RunAsync(args).GetAwaiter().GetResult();
