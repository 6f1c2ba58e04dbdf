using System.Text;
using BatchPool.Worker;

namespace BatchPool.Tests.Worker;

/// <summary>How a client reads a serve worker's output: the preamble first, then replies, and nothing else.</summary>
public sealed class ReplyFramesTests
{
    private static MemoryStream Output(params byte[][] pieces) => new(pieces.SelectMany(piece => piece).ToArray());

    private static byte[] Preamble()
    {
        var stream = new MemoryStream();
        WorkerFrames.WritePreamble(stream);
        return stream.ToArray();
    }

    [Fact]
    public void What_came_before_the_preamble_is_returned_and_the_replies_follow_it()
    {
        var reply = new MemoryStream();
        WorkerFrames.WriteReply(reply, WorkerProtocol.Ready, default);
        // Text with a NUL in it, and the preamble's first bytes twice before the whole of it.
        var before = "a startup hook says hello\n\0x\0Batch"u8.ToArray();
        var output = Output(before, Preamble()[..5], Preamble(), reply.ToArray());

        Assert.Equal(before.Concat(Preamble()[..5]), WorkerFrames.ReadPreamble(output));
        Assert.Equal(WorkerProtocol.Ready, WorkerFrames.ReadReply(output)!.ExitCode);
    }

    [Fact]
    public void A_worker_that_starts_with_its_preamble_has_nothing_before_it()
    {
        var output = Output(Preamble());
        Assert.Empty(WorkerFrames.ReadPreamble(output)!);
        Assert.Null(WorkerFrames.ReadReply(output));
    }

    [Fact]
    public void An_output_that_ends_before_the_preamble_is_a_worker_that_died()
    {
        Assert.Null(WorkerFrames.ReadPreamble(Output("it crashed before its protocol began"u8.ToArray(), Preamble()[..3])));
    }

    [Fact]
    public void An_output_of_text_without_a_preamble_is_refused_after_its_limit_not_read_for_ever()
    {
        var text = Encoding.ASCII.GetBytes(new string('x', WorkerFrames.MaxBeforePreamble + 10));
        Assert.Throws<InvalidDataException>(() => WorkerFrames.ReadPreamble(Output(text, Preamble())));
    }

    [Fact]
    public void Text_where_a_reply_should_be_is_refused_not_taken_for_a_length()
    {
        // What the JIT's summary wrote into a worker's replies before they had a descriptor of their own: its header
        // read as an exit code of 0x31202020 and an output of 1.2 GB, which the client then waited for.
        var text = Output("   1: JIT compiled Program:Main()\n"u8.ToArray());
        var refused = Assert.Throws<InvalidDataException>(() => WorkerFrames.ReadReply(text));
        Assert.Contains("neither an exit code nor a notice", refused.Message, StringComparison.Ordinal);
    }
}
