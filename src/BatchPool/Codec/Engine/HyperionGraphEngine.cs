using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Hyperion;
using Hyperion.SerializerFactories;

namespace BatchPool.Codec;

/// <summary>
/// The object-graph engine on Hyperion: reference tracking on (cycles, shared references), version tolerance off (the
/// codec pins user builds by MVID), and the codec's own serializers for delegates, exceptions, keyed collections,
/// type values and raw primitive arrays.
/// </summary>
internal sealed class HyperionGraphEngine : IObjectGraphEngine
{
    // Written as two-byte indexes instead of names. The list is part of the format: change it only with the format version.
    private static readonly Type[] KnownTypes =
    [
        typeof(ExceptionEnvelope), typeof(JobInput), typeof(JobOutput), typeof(CallOutcome), typeof(CallOutcome[]),
        typeof(object[]), typeof(object[][]),
    ];

    private readonly GraphInspector _inspector;
    private readonly Serializer _writer;

    // Hyperion caches type names per serializer: one per load context, so a name resolves in the context decoding it.
    private readonly ConditionalWeakTable<AssemblyLoadContext, Serializer> _readers = new();

    public HyperionGraphEngine(GraphInspector inspector)
    {
        _inspector = inspector;
        _writer = CreateSerializer();
        _readers.Add(AssemblyLoadContext.Default, _writer);
    }

    public void Serialize(object? graph, Stream body, BlobWriter blobs) =>
        GraphIo.WriteObject(body, graph, new CodecWriteSession(_writer, blobs));

    public object? Deserialize(Stream body, BlobReader blobs, TypeResolver resolver)
    {
        var serializer = _readers.GetValue(resolver.Context, _ => CreateSerializer());
        var value = GraphIo.ReadObject(body, new CodecReadSession(serializer, blobs, resolver));
        if (body.Position != body.Length)
        {
            throw new PayloadFormatException($"{body.Length - body.Position} bytes follow the graph");
        }

        return value;
    }

    private Serializer CreateSerializer()
    {
        ValueSerializerFactory[] factories =
        [
            new RawArraySerializerFactory(),
            new DelegateSerializerFactory(),
            new ExceptionSerializerFactory(_inspector, envelopeIndex: 0),
            new KeyedCollectionSerializerFactory(),
            new TypeValueSerializerFactory(),
        ];
        var options = new SerializerOptions(
            versionTolerance: false,
            preserveObjectReferences: true,
            surrogates: null,
            serializerFactories: factories,
            knownTypes: KnownTypes,
            ignoreISerializable: true,
            packageNameOverrides: null,
            disallowUnsafeTypes: false, // payloads are authenticated before anything is read
            typeFilter: null);
        var serializer = new Serializer(options);
        RawArraySerializerFactory.OverrideBuiltIns(serializer);
        TypeValueSerializerFactory.OverrideBuiltIns(serializer);
        return serializer;
    }
}
