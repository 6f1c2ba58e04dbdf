namespace BatchPool.Codec;

/// <summary>Raised inside the decoder when authentic bytes do not decode; surfaces as <see cref="InvalidPayloadException"/> (Corrupt).</summary>
internal sealed class PayloadFormatException(string message) : Exception(message);
