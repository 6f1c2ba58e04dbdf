using System.Text;

namespace BatchPool.Storage;

/// <summary>The kinds of store a <see cref="StorageAddress"/> names.</summary>
internal enum StorageKind
{
    /// <summary>A folder of a local or shared file system.</summary>
    Folder,

    /// <summary>An Amazon S3 bucket, or one of an S3-compatible service.</summary>
    S3,

    /// <summary>An Azure Blob Storage container.</summary>
    Azure,
}

/// <summary>
/// Where an executor's files live, parsed from the text a user gives as <c>remoteTmpdir</c>: a folder (a path or a
/// <c>file://</c> URI), <c>s3://BUCKET/PREFIX</c>, <c>https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX</c> or Hail's
/// <c>hail-az://ACCOUNT/CONTAINER/PREFIX</c>. A bucket's address may end in <c>?endpoint=URL</c> (an S3-compatible service,
/// Azurite) and, for S3, <c>&amp;region=REGION</c>. It never holds a credential.
/// </summary>
/// <param name="Kind">The kind of store.</param>
/// <param name="Account">The Azure storage account; null for other kinds.</param>
/// <param name="Bucket">The S3 bucket or Azure container; for a folder, its path.</param>
/// <param name="Prefix">The key prefix under which every key lives: empty, or ending in '/'.</param>
/// <param name="Endpoint">The service's endpoint when it is not the cloud's own, else null.</param>
/// <param name="Region">The S3 region when given, else null.</param>
internal sealed record StorageAddress(StorageKind Kind, string? Account, string Bucket, string Prefix, string? Endpoint, string? Region)
{
    /// <summary>What a storage setting accepts, for error messages.</summary>
    public const string Accepted =
        "a folder (a path or file:///path), s3://BUCKET/PREFIX, https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX or " +
        "hail-az://ACCOUNT/CONTAINER/PREFIX; a bucket's address may end in ?endpoint=URL for an S3-compatible service or Azurite " +
        "(and ?region=REGION for S3).";

    private const string AzureHostSuffix = ".blob.core.windows.net";

    /// <summary>Whether <paramref name="text"/> names a folder rather than a bucket (no scheme, or <c>file://</c>).</summary>
    public static bool IsFolder(string text) =>
        text.StartsWith(FileSystemStorage.FileScheme, StringComparison.OrdinalIgnoreCase) || !text.Contains("://", StringComparison.Ordinal);

    /// <summary>Parses a storage address; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static StorageAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new FormatException("the address is empty.");
        }
        if (IsFolder(trimmed))
        {
            return new StorageAddress(StorageKind.Folder, null, trimmed, "", null, null);
        }
        var scheme = trimmed[..trimmed.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant();
        var rest = trimmed[(scheme.Length + 3)..];
        var (path, query) = SplitQuery(rest);
        var endpoint = query.GetValueOrDefault("endpoint");
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) && endpointUri.Scheme is "http" or "https"))
        {
            throw new FormatException($"endpoint '{endpoint}' is not an http:// or https:// URL.");
        }
        endpoint = endpoint?.TrimEnd('/');
        if (query.Keys.FirstOrDefault(k => k is not ("endpoint" or "region")) is { } unknown)
        {
            throw new FormatException($"'{unknown}' is not an option of a storage address (endpoint, region).");
        }
        switch (scheme)
        {
            case "s3":
                {
                    var (bucket, prefix) = FirstSegment(path, "bucket");
                    CheckBucketName(bucket);
                    return new StorageAddress(StorageKind.S3, null, bucket, prefix, endpoint, query.GetValueOrDefault("region"));
                }
            case "hail-az":
                {
                    var (account, afterAccount) = FirstSegment(path, "storage account");
                    var (container, prefix) = FirstSegment(afterAccount, "container");
                    return Azure(account, container, prefix, endpoint, query);
                }
            case "https" or "http" when path.IndexOf('/') is var slash && slash > 0 && path[..slash].EndsWith(AzureHostSuffix, StringComparison.OrdinalIgnoreCase):
                {
                    var account = path[..slash][..^AzureHostSuffix.Length];
                    var (container, prefix) = FirstSegment(path[(slash + 1)..], "container");
                    return Azure(account, container, prefix, endpoint, query);
                }
            case "gs":
                throw new NotSupportedException(
                    "Google Cloud Storage (gs://) is not supported yet: use a folder, s3://BUCKET/PREFIX or an Azure Blob address.");
            default:
                throw new FormatException($"'{scheme}://' names no store BatchPool knows.");
        }
    }

    /// <summary>The address as text, in the form <see cref="Parse"/> reads back: what a worker is given.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        switch (Kind)
        {
            case StorageKind.Folder:
                return Bucket;
            case StorageKind.S3:
                text.Append("s3://").Append(Bucket).Append('/').Append(Prefix);
                break;
            default:
                text.Append("hail-az://").Append(Account).Append('/').Append(Bucket).Append('/').Append(Prefix);
                break;
        }
        var separator = '?';
        if (Endpoint is not null)
        {
            text.Append(separator).Append("endpoint=").Append(Uri.EscapeDataString(Endpoint));
            separator = '&';
        }
        if (Region is not null)
        {
            text.Append(separator).Append("region=").Append(Uri.EscapeDataString(Region));
        }
        return text.ToString();
    }

    /// <summary>For messages: the bucket (or account and container) and prefix, without options.</summary>
    public string Describe() => Kind switch
    {
        StorageKind.S3 => $"S3 bucket '{Bucket}' (prefix '{Prefix}'{(Endpoint is null ? "" : $", endpoint {Endpoint}")})",
        StorageKind.Azure => $"Azure container '{Bucket}' of account '{Account}' (prefix '{Prefix}'{(Endpoint is null ? "" : $", endpoint {Endpoint}")})",
        _ => $"folder {Bucket}",
    };

    private static StorageAddress Azure(string account, string container, string prefix, string? endpoint, Dictionary<string, string> query)
    {
        if (query.ContainsKey("region"))
        {
            throw new FormatException("region is an option of S3 addresses only.");
        }
        if (account.Length is < 3 or > 24 || !account.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new FormatException($"'{account}' is not a storage account name (3-24 lowercase letters and digits).");
        }
        if (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || container.StartsWith('-') || container.Contains("--", StringComparison.Ordinal))
        {
            throw new FormatException($"'{container}' is not a container name (3-63 lowercase letters, digits and single hyphens).");
        }
        return new StorageAddress(StorageKind.Azure, account, container, prefix, endpoint, null);
    }

    private static void CheckBucketName(string bucket)
    {
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            || !char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            throw new FormatException($"'{bucket}' is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens).");
        }
    }

    /// <summary>The first '/'-separated name of <paramref name="path"/>, and the rest as a key prefix (empty or ending in '/').</summary>
    private static (string First, string Prefix) FirstSegment(string path, string what)
    {
        var slash = path.IndexOf('/');
        var first = slash < 0 ? path : path[..slash];
        if (first.Length == 0)
        {
            throw new FormatException($"the {what} is missing.");
        }
        var rest = slash < 0 ? "" : path[(slash + 1)..].Trim('/');
        if (rest.Split('/').Any(part => part is "." or "..") || rest.Contains("//", StringComparison.Ordinal))
        {
            throw new FormatException($"prefix '{rest}' is not a path of plain names.");
        }
        return (first, rest.Length == 0 ? "" : rest + "/");
    }

    private static (string Path, Dictionary<string, string> Query) SplitQuery(string rest)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var mark = rest.IndexOf('?');
        if (mark < 0)
        {
            return (rest, query);
        }
        foreach (var pair in rest[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"'{pair}' is not an option=value pair.");
            }
            query[Uri.UnescapeDataString(pair[..equals]).ToLowerInvariant()] = Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return (rest[..mark], query);
    }
}
