using System.Buffers;
using System.Net.Sockets;
using System.Text;
using global::Azure;
using global::Azure.Core;
using global::Azure.Identity;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace BatchPool.Storage.Azure;

/// <summary>
/// Storage in an Azure Blob Storage container, under a key prefix: <c>https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX</c>
/// or Hail's <c>hail-az://ACCOUNT/CONTAINER/PREFIX</c> (with <c>?endpoint=URL</c> for Azurite or a sovereign cloud). The
/// client and every worker reach the container themselves, with credentials from their own environment: the
/// <see cref="ConnectionStringVariable"/> variable when set, else <see cref="DefaultAzureCredential"/> (a managed identity,
/// <c>AZURE_CLIENT_ID</c>/<c>AZURE_TENANT_ID</c>/<c>AZURE_CLIENT_SECRET</c>, a signed-in Azure CLI); the address never holds one.
/// </summary>
/// <remarks>
/// Blobs above <see cref="BlockThreshold"/> are staged in blocks of <see cref="BlockSize"/>, at most
/// <see cref="BlocksInFlight"/> at once, each a view of the bytes (or, for a file, a pooled buffer), then committed.
/// Transient errors (503, throttling, a connection reset) are retried by the SDK's exponential retry policy,
/// <see cref="Retries"/> times; every error after that is a <see cref="BatchStorageException"/> naming the container and key.
/// </remarks>
public sealed class AzureBlobStorage : IBatchStorage, IProbedStorage
{
    /// <summary>The variable whose connection string, when set, authenticates the client (and each worker that has it).</summary>
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>Blobs larger than this are staged in blocks (16 MiB).</summary>
    public const int BlockThreshold = 16 << 20;

    /// <summary>The size of each staged block (8 MiB).</summary>
    public const int BlockSize = 8 << 20;

    /// <summary>How many blocks of one blob are staged at once.</summary>
    public const int BlocksInFlight = 4;

    /// <summary>How many times a request that failed transiently is retried.</summary>
    public const int Retries = 4;

    /// <summary>The size of each range a read stream downloads (<see cref="OpenReadAsync"/>: 4 MiB).</summary>
    public const int ReadPieceSize = 4 << 20;

    /// <summary>How many blobs a folder's deletion deletes at once.</summary>
    private const int DeletesInFlight = 16;

    private readonly StorageAddress _address;
    private readonly Lazy<BlobContainerClient> _container;

    /// <summary>Opens the container <paramref name="url"/> names; no request is made until the first operation.</summary>
    /// <param name="url">An Azure Blob address (see the class's summary).</param>
    /// <exception cref="BatchPoolSettingException">The address is not an Azure Blob address.</exception>
    public AzureBlobStorage(string url)
        : this(ParseAzure(url))
    {
    }

    internal AzureBlobStorage(StorageAddress address)
    {
        _address = address;
        Locator = address.ToString();
        _container = new Lazy<BlobContainerClient>(CreateClient);
    }

    /// <inheritdoc />
    public string Locator { get; }

    /// <summary>The storage account.</summary>
    public string Account => _address.Account!;

    /// <summary>The container.</summary>
    public string Container => _address.Bucket;

    /// <summary>The prefix under which every key lives: empty, or ending in '/'.</summary>
    public string Prefix => _address.Prefix;

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
            var response = await Blob(key).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var download = response.Value;
            var bytes = GC.AllocateUninitializedArray<byte>(checked((int)download.Details.ContentLength));
            await download.Content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            return bytes;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            return null;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("read", key, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The SDK's read stream over the blob, which downloads it in ranges of <see cref="ReadPieceSize"/> as they are read:
    /// reading a whole download (<c>DownloadStreamingAsync</c>, as <see cref="ReadAsync"/> does) cost the client about one
    /// more copy of an 80 MB blob than a folder's read (bench/README.md). An error while reading names the container and key.
    /// </remarks>
    public async ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var stream = await Blob(key).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = ReadPieceSize }, cancellationToken).ConfigureAwait(false);
            return new BlobReadStream(stream, null, e => Fail("read", key, e));
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound)
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
            return (await Blob(key).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("look-up", key, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>Lists the blobs under the prefix and deletes them, <c>16</c> at a time.</remarks>
    public async ValueTask DeleteFolderAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var folder = FullKey(prefix.EndsWith('/') ? prefix : prefix + "/");
        try
        {
            var names = _container.Value.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder, cancellationToken).Select(item => item.Name);
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = DeletesInFlight, CancellationToken = cancellationToken }, async (name, ct) =>
                await _container.Value.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("delete", prefix, e);
        }
    }

    /// <summary>Writes and deletes one small blob in <paramref name="folder"/>: the container, credentials, permission and server, checked.</summary>
    async Task IProbedStorage.ProbeAsync(string folder, CancellationToken cancellationToken)
    {
        var key = (folder.EndsWith('/') ? folder : folder + "/") + "probe";
        await WriteAsync(key, "probe"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        try
        {
            await Blob(key).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("delete", key, e);
        }
    }

    private BlockBlobClient Blob(string key) => _container.Value.GetBlockBlobClient(FullKey(key));

    private async Task UploadAsync(string key, BlobSource source, CancellationToken cancellationToken)
    {
        try
        {
            var blob = Blob(key);
            if (source.Length <= BlockThreshold)
            {
                using var body = source.OpenAll();
                await blob.UploadAsync(body, new BlobUploadOptions(), cancellationToken).ConfigureAwait(false);
                return;
            }
            var parts = BlobSource.Parts(source.Length, BlockSize);
            // Block ids: base64 of equal-length names, as the service requires.
            var ids = parts.Select((_, i) => Convert.ToBase64String(Encoding.ASCII.GetBytes(i.ToString("d6", System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, parts.Count), new ParallelOptions { MaxDegreeOfParallelism = BlocksInFlight, CancellationToken = cancellationToken }, async (index, ct) =>
            {
                using var body = source.OpenPart(parts[index].Offset, parts[index].Length);
                await blob.StageBlockAsync(ids[index], body, new BlockBlobStageBlockOptions(), ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await blob.CommitBlockListAsync(ids, new CommitBlockListOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFailure(e, cancellationToken))
        {
            throw Fail("write", key, e);
        }
    }

    private string FullKey(string key) => _address.Prefix + key;

    private BlobContainerClient CreateClient()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = Retries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        BlobServiceClient service;
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } connectionString)
        {
            try
            {
                // An address's own endpoint (the same account seen at another address: a cluster's network) wins over the
                // connection string's; the string's key or signature still authenticates.
                service = _address.Endpoint is { } endpoint
                    ? WithEndpoint(new Uri(endpoint), connectionString, options)
                    : new BlobServiceClient(connectionString, options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // The connection string is a secret: its own text is never quoted.
                throw new BatchStorageException(_address.Describe(), "connect", "", $"{ConnectionStringVariable} is not a valid connection string ({e.GetType().Name}).");
            }
            if (!string.Equals(service.AccountName, Account, StringComparison.Ordinal))
            {
                throw new BatchStorageException(_address.Describe(), "connect", "",
                    $"{ConnectionStringVariable} is for account '{service.AccountName}', not '{Account}': set it to the account's own connection string, or unset it to use DefaultAzureCredential.");
            }
        }
        else
        {
            var endpoint = new Uri(_address.Endpoint ?? $"https://{Account}.blob.core.windows.net");
            service = new BlobServiceClient(endpoint, new DefaultAzureCredential(), options);
        }
        return service.GetBlobContainerClient(Container);
    }

    /// <summary>A client of <paramref name="endpoint"/> with the account key or shared access signature of a connection string.</summary>
    private BlobServiceClient WithEndpoint(Uri endpoint, string connectionString, BlobClientOptions options)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("AccountKey", out var key))
        {
            var name = parts.GetValueOrDefault("AccountName") ?? Account;
            return new BlobServiceClient(endpoint, new global::Azure.Storage.StorageSharedKeyCredential(name, key), options);
        }
        if (parts.TryGetValue("SharedAccessSignature", out var signature))
        {
            return new BlobServiceClient(endpoint, new AzureSasCredential(signature), options);
        }
        throw new FormatException("no AccountKey or SharedAccessSignature");
    }

    private static bool IsFailure(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private BatchStorageException Fail(string operation, string key, Exception e) =>
        e as BatchStorageException ?? new(_address.Describe(), operation, key, ReasonOf(e, operation), e);

    internal static string ReasonOf(Exception e, string operation) => e switch
    {
        RequestFailedException { ErrorCode: "ContainerNotFound" } => "the container does not exist: create it, or fix the container's name in the address.",
        RequestFailedException { ErrorCode: "AuthenticationFailed" or "InvalidAuthenticationInfo" } failed =>
            $"the credentials were refused ({failed.ErrorCode}); {CredentialsHint}",
        RequestFailedException { ErrorCode: "AuthorizationFailure" } failed =>
            $"the credentials were refused, or may not {operation} here ({failed.ErrorCode}); {CredentialsHint}",
        RequestFailedException { Status: 403 } failed =>
            $"access denied ({failed.ErrorCode}): the credentials in use may not {operation} here; give them read, write, delete and list " +
            $"on the container (Storage Blob Data Contributor), or use other credentials ({CredentialsHint})",
        RequestFailedException { Status: 0 } or AggregateException when FindConnectionFailure(e) is { } connection =>
            $"the server did not answer ({connection.Message}); check the address (and its endpoint) and that the service runs.",
        RequestFailedException failed => $"{failed.Status} {failed.ErrorCode}: {FirstLine(failed.Message)}",
        CredentialUnavailableException or AuthenticationFailedException => $"no Azure credential was found ({FirstLine(e.Message)}); {CredentialsHint}",
        _ when FindConnectionFailure(e) is { } connection => $"the server did not answer ({connection.Message}); check the address (and its endpoint) and that the service runs.",
        _ => $"{e.GetType().Name}: {FirstLine(e.Message)}",
    };

    private const string CredentialsHint =
        "set " + ConnectionStringVariable + " to the account's connection string, or sign in for DefaultAzureCredential (a managed " +
        "identity; AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET; az login); workers of remote backends need them passed " +
        "through (BatchPoolExecutorOptions.PassEnvironment).";

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static Exception? FindConnectionFailure(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or TimeoutException)
            {
                return current;
            }
            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(FindConnectionFailure).FirstOrDefault(f => f is not null) is { } inner)
            {
                return inner;
            }
        }
        return null;
    }

    private static StorageAddress ParseAzure(string url)
    {
        StorageAddress address;
        try
        {
            address = StorageAddress.Parse(url);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            throw new BatchPoolSettingException(nameof(url), url, $"{e.Message} Accepted: https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX or hail-az://ACCOUNT/CONTAINER/PREFIX [?endpoint=URL].", e);
        }
        return address.Kind == StorageKind.Azure ? address : throw new BatchPoolSettingException(nameof(url), url, "an Azure Blob address.");
    }
}
