using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchPool.Status;

/// <summary>The status document's JSON (camelCase, source-generated).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ExecutorStatus))]
[JsonSerializable(typeof(SchemaProbe))]
internal sealed partial class StatusJson : JsonSerializerContext
{
}

/// <summary>The one field read before the rest: a document of a newer schema is refused by its number, not by a field.</summary>
internal sealed record SchemaProbe(int Schema);
