using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BatchPool.Worker;

/// <summary>
/// Where a <c>serve</c> worker writes its replies. The client reads them from the worker's standard output, but native
/// code writes to descriptor 1 behind Console's back (a library's <c>printf</c>, a child process the job starts, the
/// runtime's own diagnostics), and one such line in the middle of a reply's frame would leave the client reading a
/// length that never arrives. So, on Linux, the replies move to a descriptor of their own (not inherited by the job's
/// child processes) and descriptor 1 becomes the log: whatever is printed there lands in the log's tail, as Console's
/// output already does. What a process prints before this (a startup hook) the client skips, up to the preamble
/// (<see cref="WorkerFrames.WritePreamble"/>).
/// </summary>
internal static class ProtocolOutput
{
    private const int StandardOutput = 1;
    private const int StandardError = 2;
    /// <summary><c>F_DUPFD_CLOEXEC</c> (Linux): a duplicate at the lowest free descriptor from the argument, closed on exec.</summary>
    private const int DuplicateCloseOnExecCommand = 1030;

    /// <summary>Opens the stream the replies go to, and points descriptor 1 at the log where the platform allows it.</summary>
    public static Stream Open()
    {
        if (OperatingSystem.IsLinux())
        {
            var replies = DuplicateDescriptor(StandardOutput, DuplicateCloseOnExecCommand, StandardError + 1);
            if (replies >= 0)
            {
                // Should it fail, native writes stay on the client's pipe: no worse than before the move.
                _ = ReplaceDescriptor(StandardError, StandardOutput);
                return new FileStream(new SafeFileHandle(replies, ownsHandle: true), FileAccess.Write, bufferSize: 0);
            }
        }
        return Console.OpenStandardOutput();
    }

    // DllImport rather than LibraryImport: ints only, nothing to marshal, and no unsafe code in the library for it.
    // fcntl is variadic; with an int as its third argument the Linux calling conventions pass it as a fixed one.
    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int DuplicateDescriptor(int descriptor, int command, int lowest);

    [DllImport("libc", EntryPoint = "dup2")]
    private static extern int ReplaceDescriptor(int from, int to);
}
