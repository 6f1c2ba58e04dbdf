using System.Buffers;
using BatchPool.Worker;

namespace BatchPool.Tests.Worker;

/// <summary>The words of the serve protocol's requests, as a worker reads them one request after another.</summary>
public sealed class RequestWordsTests
{
    [Fact]
    public void Each_request_reads_back_as_written_and_unchanged_words_keep_their_strings()
    {
        var first = WorkerProtocol.RunArguments("file:///tmp/ü/", "batch-pool-executor/x/", "call-1");
        var second = WorkerProtocol.RunArguments("file:///tmp/ü/", "batch-pool-executor/x/", "call-22");
        var third = WorkerProtocol.RunArguments("file:///elsewhere/", "batch-pool-executor/x/", "call-3");
        var stream = new MemoryStream();
        foreach (var request in new[] { first, second, third })
        {
            WorkerFrames.WriteRequest(stream, request, new ReadOnlySequence<byte>([7]), announceStart: false);
        }
        WorkerFrames.WriteRequest(stream, [WorkerProtocol.CancelCommand, "call-3"], default, announceStart: true);
        stream.Position = 0;
        var words = new RequestWords();

        var read = Enumerable.Range(0, 4).Select(_ => WorkerFrames.ReadRequest(stream, words)!).ToList();

        Assert.Equal(first, read[0].Arguments);
        Assert.Equal(second, read[1].Arguments);
        Assert.Equal(third, read[2].Arguments);
        Assert.Equal([WorkerProtocol.CancelCommand, "call-3"], read[3].Arguments);
        Assert.Equal([7], read[2].Input);
        Assert.True(read[3].AnnounceStart);
        Assert.Null(WorkerFrames.ReadRequest(stream, words));
        // The storage and folder of the second request are the first one's strings; what changed was decoded anew.
        Assert.Same(read[0].Arguments[2], read[1].Arguments[2]);
        Assert.Same(read[0].Arguments[4], read[1].Arguments[4]);
        Assert.NotSame(read[1].Arguments[2], read[2].Arguments[2]);
        Assert.Same(read[1].Arguments[4], read[2].Arguments[4]);
    }

    [Fact]
    public void A_request_longer_than_the_reader_has_read_so_far_is_read_whole()
    {
        var long1 = new string('a', 1000);
        var long2 = new string('b', 3000);
        var stream = new MemoryStream();
        WorkerFrames.WriteRequest(stream, ["run", "x"], default, announceStart: false);
        WorkerFrames.WriteRequest(stream, ["run", long1, long2], default, announceStart: false);
        WorkerFrames.WriteRequest(stream, ["run", long1], default, announceStart: false);
        stream.Position = 0;
        var words = new RequestWords();

        Assert.Equal(["run", "x"], WorkerFrames.ReadRequest(stream, words)!.Arguments);
        Assert.Equal(["run", long1, long2], WorkerFrames.ReadRequest(stream, words)!.Arguments);
        Assert.Equal(["run", long1], WorkerFrames.ReadRequest(stream, words)!.Arguments);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public void A_composed_input_reads_back_as_the_head_then_the_payload(int payloadLength)
    {
        // Small inputs are copied into the request's frame, large ones written segment by segment: both read back whole.
        var manifest = new byte[] { 1, 2, 3 };
        var payload = new byte[payloadLength];
        Random.Shared.NextBytes(payload);
        var stream = new MemoryStream();
        WorkerFrames.WriteRequest(stream, ["run", "x"], JobFile.Compose(JobFile.Head(manifest), payload), announceStart: false);
        stream.Position = 0;

        var input = WorkerFrames.ReadRequest(stream, new RequestWords())!.Input;

        var (readManifest, readPayload) = JobFile.Split(input);
        Assert.Equal(manifest, readManifest.ToArray());
        Assert.Equal(payload, readPayload.ToArray());
    }
}
