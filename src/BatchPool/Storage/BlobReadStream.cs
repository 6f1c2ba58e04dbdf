namespace BatchPool.Storage;

/// <summary>
/// A bucket's download as a read-only stream (<see cref="IBatchStorage.OpenReadAsync"/>): reads go to the download's own
/// stream; a failure while reading becomes the store's error, naming the bucket and key as its other errors do; disposing
/// it ends the download (the response that owns the stream).
/// </summary>
/// <param name="download">The download's stream.</param>
/// <param name="owner">What to dispose with it (the response), if anything.</param>
/// <param name="fail">Turns a failure while reading into the store's error.</param>
internal sealed class BlobReadStream(Stream download, IDisposable? owner, Func<Exception, Exception> fail) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return download.Read(buffer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw fail(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await download.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw fail(e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            download.Dispose();
            owner?.Dispose();
        }
        base.Dispose(disposing);
    }
}
