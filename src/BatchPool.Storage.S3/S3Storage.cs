using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace BatchPool.Storage.S3;

/// <summary>
/// Storage in an Amazon S3 bucket (or an S3-compatible service's: <c>?endpoint=URL</c>), under a key prefix:
/// <c>s3://BUCKET/PREFIX</c>. The client and every worker reach the bucket themselves, with credentials from their own
/// environment (the AWS SDK's default chain: <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_PROFILE</c>, an
/// instance role); the address never holds one.
/// </summary>
/// <remarks>
/// Blobs above <see cref="MultipartThreshold"/> are uploaded in parts of <see cref="PartSize"/>, at most
/// <see cref="PartsInFlight"/> at once, each a view of the bytes (or, for a file, a pooled buffer): the store holds no
/// copy of a big blob. Transient errors (503, throttling, a connection reset) are retried by the SDK's standard retry
/// mode, <see cref="Retries"/> times; every error after that is a <see cref="BatchStorageException"/> naming the bucket and key.
/// </remarks>
public sealed class S3Storage : IBatchStorage, IProbedStorage, IDisposable
{
    /// <summary>Blobs larger than this are uploaded in parts (16 MiB).</summary>
    public const int MultipartThreshold = 16 << 20;

    /// <summary>The size of each part of a multipart upload (8 MiB; S3's least is 5 MiB).</summary>
    public const int PartSize = 8 << 20;

    /// <summary>How many parts of one blob are uploaded at once.</summary>
    public const int PartsInFlight = 4;

    /// <summary>How many times a request that failed transiently is retried.</summary>
    public const int Retries = 4;

    /// <summary>S3 deletes at most this many keys per request.</summary>
    private const int DeleteBatch = 1000;

    private readonly StorageAddress _address;
    private readonly Lazy<AmazonS3Client> _client;

    /// <summary>Opens the bucket <paramref name="url"/> names; no request is made until the first operation.</summary>
    /// <param name="url"><c>s3://BUCKET/PREFIX</c>, optionally with <c>?endpoint=URL</c> and <c>region=REGION</c>.</param>
    /// <exception cref="BatchPoolSettingException">The address is not an S3 address.</exception>
    public S3Storage(string url)
        : this(ParseS3(url))
    {
    }

    internal S3Storage(StorageAddress address)
    {
        _address = address;
        Locator = address.ToString();
        _client = new Lazy<AmazonS3Client>(CreateClient);
    }

    /// <inheritdoc />
    public string Locator { get; }

    /// <summary>The bucket.</summary>
    public string Bucket => _address.Bucket;

    /// <summary>The prefix under which every key lives: empty, or ending in '/'.</summary>
    public string Prefix => _address.Prefix;

    private AmazonS3Client Client => _client.Value;

    /// <inheritdoc />
    public ValueTask WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WriteAsync(key, new ReadOnlySequence<byte>(data), cancellationToken);

    /// <inheritdoc />
    public ValueTask WriteAsync(string key, ReadOnlySequence<byte> data, CancellationToken cancellationToken = default) =>
        new(UploadAsync(key, BlobSource.Of(data), cancellationToken));

    /// <inheritdoc />
    public ValueTask WriteFileAsync(string key, string path, CancellationToken cancellationToken = default) =>
        new(UploadAsync(key, BlobSource.OfFile(path), cancellationToken));

    /// <inheritdoc />
    public async ValueTask<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = FullKey(key) }, cancellationToken).ConfigureAwait(false);
            var length = response.ContentLength;
            var bytes = GC.AllocateUninitializedArray<byte>(checked((int)length));
            await response.ResponseStream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            return bytes;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("read", key, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>The object's download as it arrives; an error while reading names the bucket and key.</remarks>
    public async ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = FullKey(key) }, cancellationToken).ConfigureAwait(false);
            return new BlobReadStream(response.ResponseStream, response, e => Fail("read", key, e));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("read", key, e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = FullKey(key) }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return false;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("look-up", key, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>Lists the keys under the prefix and deletes them in batches of 1000 (S3's multi-object delete).</remarks>
    public async ValueTask DeleteFolderAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var folder = FullKey(prefix.EndsWith('/') ? prefix : prefix + "/");
        try
        {
            string? continuation = null;
            do
            {
                var listing = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = folder, ContinuationToken = continuation, MaxKeys = DeleteBatch }, cancellationToken).ConfigureAwait(false);
                var keys = listing.S3Objects?.Select(o => new KeyVersion { Key = o.Key }).ToList() ?? [];
                if (keys.Count > 0)
                {
                    await DeleteBatchAsync(keys, cancellationToken).ConfigureAwait(false);
                }
                continuation = listing.IsTruncated == true ? listing.NextContinuationToken : null;
            }
            while (continuation is not null);
        }
        catch (Exception e) when (e is not BatchStorageException && IsFailure(e, cancellationToken))
        {
            throw Fail("delete", prefix, e);
        }
    }

    private async Task DeleteBatchAsync(List<KeyVersion> keys, CancellationToken cancellationToken)
    {
        var deleted = await Client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Bucket, Objects = keys, Quiet = true }, cancellationToken).ConfigureAwait(false);
        if (deleted.DeleteErrors is { Count: > 0 } errors)
        {
            throw new BatchStorageException(_address.Describe(), "delete", errors[0].Key, $"{errors.Count} keys were not deleted: {errors[0].Code} {errors[0].Message}");
        }
    }

    /// <summary>Writes and deletes one small blob in <paramref name="folder"/>: the bucket, credentials, permission and server, checked.</summary>
    async Task IProbedStorage.ProbeAsync(string folder, CancellationToken cancellationToken)
    {
        var key = (folder.EndsWith('/') ? folder : folder + "/") + "probe";
        await WriteAsync(key, "probe"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        try
        {
            await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = FullKey(key) }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("delete", key, e);
        }
    }

    /// <summary>Closes the client.</summary>
    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private async Task UploadAsync(string key, BlobSource source, CancellationToken cancellationToken)
    {
        var fullKey = FullKey(key);
        try
        {
            if (source.Length <= MultipartThreshold)
            {
                using var body = source.OpenAll();
                await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = fullKey, InputStream = body, AutoCloseStream = false, UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
                return;
            }
            await UploadInPartsAsync(fullKey, source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not BatchStorageException && IsFailure(e, cancellationToken))
        {
            throw Fail("write", key, e);
        }
    }

    private async Task UploadInPartsAsync(string fullKey, BlobSource source, CancellationToken cancellationToken)
    {
        var upload = await Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = fullKey }, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = BlobSource.Parts(source.Length, PartSize);
            var etags = new PartETag[parts.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, parts.Count), new ParallelOptions { MaxDegreeOfParallelism = PartsInFlight, CancellationToken = cancellationToken }, async (index, ct) =>
            {
                var (offset, length) = parts[index];
                using var body = source.OpenPart(offset, length);
                var part = await Client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = fullKey,
                    UploadId = upload.UploadId,
                    PartNumber = index + 1,
                    PartSize = length,
                    InputStream = body,
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                etags[index] = new PartETag(index + 1, part.ETag);
            }).ConfigureAwait(false);
            await Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = fullKey, UploadId = upload.UploadId, PartETags = [.. etags] }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The parts sent are stored (and billed) until the upload is aborted.
            try
            {
                await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = fullKey, UploadId = upload.UploadId }, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The upload's own error is the one to report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            throw;
        }
    }

    private string FullKey(string key) => _address.Prefix + key;

    private AmazonS3Client CreateClient()
    {
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = Retries,
            // Only where S3 requires them: S3-compatible services (s3rver) store the checksum framing otherwise.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (_address.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = _address.Region ?? "us-east-1";
        }
        else if (_address.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        try
        {
            return CredentialsFromVariables() is { } credentials ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
        }
        catch (AmazonClientException e)
        {
            throw Fail("connect", "", e);
        }
    }

    /// <summary>
    /// The credentials <c>AWS_ACCESS_KEY_ID</c> and <c>AWS_SECRET_ACCESS_KEY</c> (and <c>AWS_SESSION_TOKEN</c>) hold as this
    /// store is opened, or null for the rest of the SDK's default chain (a profile, an instance role). Read here rather
    /// than by the SDK, which keeps the first credentials it resolves for the whole process.
    /// </summary>
    private static AWSCredentials? CredentialsFromVariables()
    {
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is not { Length: > 0 } id)
        {
            return null;
        }
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "";
        return Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") is { Length: > 0 } token
            ? new SessionAWSCredentials(id, secret, token)
            : new BasicAWSCredentials(id, secret);
    }

    private static bool IsFailure(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>The error to throw for <paramref name="e"/>: the bucket, the operation, the key, and what to set.</summary>
    private BatchStorageException Fail(string operation, string key, Exception e) =>
        new(_address.Describe(), operation, key, ReasonOf(e, operation), e);

    internal static string ReasonOf(Exception e, string operation) => e switch
    {
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => "the bucket does not exist: create it, or fix the bucket's name in the address.",
        AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "InvalidSecurity" } s3 =>
            $"the credentials were refused ({s3.ErrorCode}: {s3.Message}); {CredentialsHint}",
        AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3 =>
            $"access denied ({s3.ErrorCode}: {s3.Message}): the credentials in use may not {operation} here; grant s3:PutObject, s3:GetObject, " +
            $"s3:DeleteObject and s3:ListBucket on the prefix, or use other credentials ({CredentialsHint})",
        AmazonS3Exception s3 => $"{(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
        AmazonClientException client when IsCredentialProblem(client) => $"no AWS credentials were found ({client.Message}); {CredentialsHint}",
        _ when FindConnectionFailure(e) is { } connection => $"the server did not answer ({connection.Message}); check the address's endpoint and that the service runs.",
        InvalidDataException or EndOfStreamException => $"the blob was cut short: {e.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private const string CredentialsHint =
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE, or run where an " +
        "instance role is available; workers of remote backends need them passed through (BatchPoolExecutorOptions.PassEnvironment).";

    private static bool IsCredentialProblem(AmazonClientException e) =>
        e.Message.Contains("credential", StringComparison.OrdinalIgnoreCase);

    private static Exception? FindConnectionFailure(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or TimeoutException or IOException)
            {
                return current;
            }
        }
        return null;
    }

    private static StorageAddress ParseS3(string url)
    {
        StorageAddress address;
        try
        {
            address = StorageAddress.Parse(url);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            throw new BatchPoolSettingException(nameof(url), url, $"{e.Message} Accepted: s3://BUCKET/PREFIX[?endpoint=URL&region=REGION].", e);
        }
        return address.Kind == StorageKind.S3 ? address : throw new BatchPoolSettingException(nameof(url), url, "an s3://BUCKET/PREFIX address.");
    }
}
