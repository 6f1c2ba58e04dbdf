// The worker executable is a thin shell: everything it does lives in BatchPool's Worker folder, so that
// the client and the worker always share one build of the codec.
return await BatchPool.Worker.WorkerHost.RunAsync(args).ConfigureAwait(false);
