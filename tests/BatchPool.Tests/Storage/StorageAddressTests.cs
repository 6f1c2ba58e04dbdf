using BatchPool.Storage;

namespace BatchPool.Tests.Storage;

/// <summary>Reading storage addresses: a pure function, no server.</summary>
public sealed class StorageAddressTests
{
    [Theory]
    [InlineData("/shared/tmp")]
    [InlineData("relative/folder")]
    [InlineData("file:///shared/tmp")]
    public void Paths_and_file_URIs_are_folders(string text) =>
        Assert.Equal(StorageKind.Folder, StorageAddress.Parse(text).Kind);

    [Fact]
    public void An_S3_address_names_its_bucket_prefix_endpoint_and_region()
    {
        var address = StorageAddress.Parse("s3://my-bucket/some/prefix/?endpoint=http%3A%2F%2F127.0.0.1%3A4568&region=eu-west-1");
        Assert.Equal(new StorageAddress(StorageKind.S3, null, "my-bucket", "some/prefix/", "http://127.0.0.1:4568", "eu-west-1"), address);
        Assert.Equal(address, StorageAddress.Parse(address.ToString()));
    }

    [Fact]
    public void A_bucket_alone_has_an_empty_prefix()
    {
        Assert.Equal("", StorageAddress.Parse("s3://bucket").Prefix);
        Assert.Equal("", StorageAddress.Parse("s3://bucket/").Prefix);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/container/tmp/x")]
    [InlineData("hail-az://acct/container/tmp/x")]
    public void Both_Azure_forms_name_the_same_place(string text)
    {
        var address = StorageAddress.Parse(text);
        Assert.Equal(new StorageAddress(StorageKind.Azure, "acct", "container", "tmp/x/", null, null), address);
        Assert.Equal("hail-az://acct/container/tmp/x/", address.ToString());
    }

    [Fact]
    public void An_Azure_endpoint_override_is_kept()
    {
        var address = StorageAddress.Parse("hail-az://devstoreaccount1/c0ntainer?endpoint=http://127.0.0.1:10000/devstoreaccount1");
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", address.Endpoint);
        Assert.Equal(address, StorageAddress.Parse(address.ToString()));
    }

    [Theory]
    [InlineData("s3://", "bucket is missing")]
    [InlineData("s3://Bad_Bucket/x", "not an S3 bucket name")]
    [InlineData("s3://bucket/a/../b", "not a path of plain names")]
    [InlineData("s3://bucket/x?endpoint=ftp://host", "not an http:// or https:// URL")]
    [InlineData("s3://bucket/x?colour=red", "'colour' is not an option")]
    [InlineData("hail-az://ACCOUNT/container", "not a storage account name")]
    [InlineData("hail-az://acct", "container is missing")]
    [InlineData("hail-az://acct/x", "not a container name")]
    [InlineData("hail-az://acct/container?region=x", "region is an option of S3 addresses only")]
    [InlineData("https://example.com/container/x", "names no store")]
    [InlineData("ftp://host/x", "names no store")]
    public void A_malformed_address_says_what_is_wrong(string text, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => StorageAddress.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Google_Cloud_Storage_is_not_supported_yet()
    {
        var error = Assert.Throws<NotSupportedException>(() => StorageAddress.Parse("gs://bucket/tmp"));
        Assert.Contains("Google Cloud Storage (gs://) is not supported yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backend_option_names_itself_in_the_error()
    {
        var error = Assert.Throws<BatchPoolSettingException>(() => new LocalBackend("gs://bucket/tmp"));
        Assert.Equal("remoteTmpdir", error.Setting);
        Assert.Equal("LocalBackendOptions.RemoteTmpdir", Assert.Throws<BatchPoolSettingException>(() => new LocalBackend(new LocalBackendOptions { RemoteTmpdir = "gs://bucket/tmp" })).Setting);
        Assert.Contains("not supported yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Slurm_backend_with_a_bucket_needs_a_shared_folder()
    {
        var error = Assert.Throws<BatchPoolSettingException>(() => new SlurmBackend("hail-az://acct/container/tmp"));
        Assert.Equal("SlurmBackendOptions.SharedFolder", error.Setting);
        Assert.Contains("needs a folder it shares with the nodes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BATCHPOOL_BACKEND_takes_a_bucket_as_its_folder_part()
    {
        var error = Assert.Throws<BatchPoolSettingException>(() => global::BatchPool.Configuration.BackendSelection.Create(
            name => name == "BATCHPOOL_BACKEND" ? "local:s3://Not_A_Bucket/x" : null));
        Assert.Contains("BATCHPOOL_BACKEND", error.Message, StringComparison.Ordinal);
        Assert.Contains("not an S3 bucket name", error.Message, StringComparison.Ordinal);
    }
}
