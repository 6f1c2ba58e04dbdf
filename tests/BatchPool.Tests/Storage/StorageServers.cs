using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Azure.Storage.Blobs;

namespace BatchPool.Tests.Storage;

/// <summary>
/// The object stores the bucket tests run against, started by <c>ci/storage/start.sh</c> (and <c>.ci/run</c>): s3rver on
/// 127.0.0.1:4568 and Azurite on 127.0.0.1:10000 (a second Azurite on the Slurm cluster's bridge, 10.197.0.1:10001, for
/// jobs on its nodes). A test that needs one fails, naming the script, when it does not answer.
/// </summary>
public static class StorageServers
{
    public const string S3Endpoint = "http://127.0.0.1:4568";
    public const string S3Bucket = "batchpool";
    public const string AzureAccount = "devstoreaccount1";
    public const string AzureContainer = "batchpool";

    /// <summary>Azurite's well-known development key (public, in Azurite's documentation): not a secret.</summary>
    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string AzureEndpoint = "http://127.0.0.1:10000/" + AzureAccount;

    /// <summary>The Azurite that the Slurm cluster's nodes reach, on its bridge.</summary>
    public const string SlurmAzureEndpoint = "http://10.197.0.1:10001/" + AzureAccount;

    /// <summary>The variables the client and its workers read their credentials from, as the stores' users would set them.</summary>
    public static readonly string[] CredentialVariables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AZURE_STORAGE_CONNECTION_STRING"];

    public static string AzuriteConnectionString(string endpoint = AzureEndpoint) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzureAccount};AccountKey={AzuriteKey};BlobEndpoint={endpoint};";

    /// <summary>Set before any test runs, so that every worker process (spares included) starts with them.</summary>
    [ModuleInitializer]
    internal static void SetCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", AzuriteConnectionString());
    }

    /// <summary>A fresh prefix in the S3 test bucket: <c>s3://batchpool/tests/RANDOM?endpoint=...</c>.</summary>
    public static string S3Address(string? prefix = null)
    {
        EnsureS3();
        return $"s3://{S3Bucket}/{prefix ?? NewPrefix()}?endpoint={Uri.EscapeDataString(S3Endpoint)}";
    }

    /// <summary>A fresh prefix in the Azure test container, as Hail writes it: <c>hail-az://devstoreaccount1/batchpool/tests/RANDOM</c>.</summary>
    public static string AzureAddress(string? prefix = null)
    {
        EnsureAzure(AzureEndpoint);
        return $"hail-az://{AzureAccount}/{AzureContainer}/{prefix ?? NewPrefix()}";
    }

    /// <summary>A fresh prefix in the Slurm cluster's Azurite, with its endpoint (which the credentials' connection string does not name).</summary>
    public static string SlurmAzureAddress()
    {
        EnsureAzure(SlurmAzureEndpoint);
        return $"hail-az://{AzureAccount}/{AzureContainer}/{NewPrefix()}?endpoint={Uri.EscapeDataString(SlurmAzureEndpoint)}";
    }

    public static string NewPrefix() => "tests/" + Guid.NewGuid().ToString("N")[..12];

    public static AmazonS3Client S3Client() => new(new AmazonS3Config
    {
        ServiceURL = S3Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public static BlobContainerClient AzureContainerClient(string endpoint = AzureEndpoint) =>
        new BlobServiceClient(AzuriteConnectionString(endpoint)).GetBlobContainerClient(AzureContainer);

    private static void EnsureS3()
    {
        RequireAnswer(S3Endpoint, "s3rver");
        EnsuredS3.Value.GetAwaiter().GetResult();
    }

    private static readonly Lazy<Task> EnsuredS3 = new(async () =>
    {
        using var client = S3Client();
        try
        {
            await client.PutBucketAsync(S3Bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // ci/storage/start.sh made it.
        }
    });

    private static readonly Dictionary<string, Lazy<Task>> EnsuredAzure = [];

    private static void EnsureAzure(string endpoint)
    {
        RequireAnswer(endpoint, "Azurite");
        Lazy<Task> ensured;
        lock (EnsuredAzure)
        {
            if (!EnsuredAzure.TryGetValue(endpoint, out ensured!))
            {
                ensured = new Lazy<Task>(() => AzureContainerClient(endpoint).CreateIfNotExistsAsync());
                EnsuredAzure[endpoint] = ensured;
            }
        }
        ensured.Value.GetAwaiter().GetResult();
    }

    private static void RequireAnswer(string endpoint, string server)
    {
        var uri = new Uri(endpoint);
        try
        {
            using var socket = new TcpClient();
            socket.Connect(uri.Host, uri.Port);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"{server} does not answer at {uri.Host}:{uri.Port} ({e.Message}): start the test servers with ci/storage/start.sh.", e);
        }
    }
}
