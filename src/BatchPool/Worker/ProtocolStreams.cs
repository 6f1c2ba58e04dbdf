using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BatchPool.Worker;

/// <summary>
/// Where a <c>serve</c> worker reads its requests and writes its replies. The client talks to it over its standard input
/// and output, but a job's code may use them behind Console's back: native code writes to descriptor 1 (a library's
/// <c>printf</c>, a child process the job starts, the runtime's own diagnostics), and one such line inside a reply's
/// frame left the client reading a length that never arrived; a job that reads descriptor 0 (<c>Console.ReadLine</c>, a
/// child process) would wait for ever or take the next requests' bytes. So, on Linux, the protocol moves to descriptors
/// of its own, not inherited by the job's child processes: descriptor 0 becomes <c>/dev/null</c> (a job reads an empty
/// input, as in Python's worker processes) and descriptor 1 the log (what is printed lands in the log's tail, as
/// Console's output already does; then <see cref="Logs.JobConsole.CaptureNativeOutput"/> points it, with descriptor 2,
/// at a pipe read into the running call's log too). What a process prints before the move (a startup hook) the client skips, up to the
/// preamble (<see cref="WorkerFrames.WritePreamble"/>).
/// </summary>
internal static class ProtocolStreams
{
    private const int StandardInput = 0;
    private const int StandardOutput = 1;
    private const int StandardError = 2;
    /// <summary><c>F_DUPFD_CLOEXEC</c> (Linux): a duplicate at the lowest free descriptor from the argument, closed on exec.</summary>
    private const int DuplicateCloseOnExecCommand = 1030;

    /// <summary>Opens the stream of requests, and points descriptor 0 at <c>/dev/null</c> where the platform allows it.</summary>
    public static Stream OpenRequests()
    {
        if (OperatingSystem.IsLinux() && MoveAside(StandardInput) is { } requests)
        {
            using (var nothing = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
            {
                // Should it fail, descriptor 0 stays the client's pipe: no worse than before the move.
                _ = ReplaceDescriptor((int)nothing.DangerousGetHandle(), StandardInput);
            }
            return new FileStream(requests, FileAccess.Read, bufferSize: 0);
        }
        return Console.OpenStandardInput();
    }

    /// <summary>
    /// Opens the stream replies go to, and points descriptor 1 at the log where the platform allows it
    /// (<paramref name="movedAside"/>: descriptor 1 no longer carries the replies, and may be pointed elsewhere).
    /// </summary>
    public static Stream OpenReplies(out bool movedAside)
    {
        if (OperatingSystem.IsLinux() && MoveAside(StandardOutput) is { } replies)
        {
            _ = ReplaceDescriptor(StandardError, StandardOutput);
            movedAside = true;
            return new FileStream(replies, FileAccess.Write, bufferSize: 0);
        }
        movedAside = false;
        return Console.OpenStandardOutput();
    }

    /// <summary>A duplicate of a standard descriptor above the standard ones, closed on exec; null if none could be made.</summary>
    private static SafeFileHandle? MoveAside(int descriptor)
    {
        var duplicate = DuplicateDescriptor(descriptor, DuplicateCloseOnExecCommand, StandardError + 1);
        return duplicate >= 0 ? new SafeFileHandle(duplicate, ownsHandle: true) : null;
    }

    // DllImport rather than LibraryImport: ints only, nothing to marshal, and no unsafe code in the library for it.
    // fcntl is variadic; with an int as its third argument the Linux calling conventions pass it as a fixed one.
    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int DuplicateDescriptor(int descriptor, int command, int lowest);

    [DllImport("libc", EntryPoint = "dup2")]
    private static extern int ReplaceDescriptor(int from, int to);
}
