namespace SessionBridge.Legacy.Format;

/// <summary>
/// A session value of type code 20 (<see cref="SessionValueTypeCode.Object"/>): the raw [MS-NRBF] stream the
/// legacy application's BinaryFormatter wrote, kept as bytes and never deserialized by this type.
/// </summary>
/// <remarks>
/// Storing a <see cref="SerializedObject"/> in a session writes its bytes back exactly as they are, so objects the
/// ASP.NET Core application has no class for survive every round trip.
/// </remarks>
public sealed class SerializedObject : IEquatable<SerializedObject>
{
    /// <summary>Wraps an NRBF stream (without the leading type code byte).</summary>
    /// <param name="payload">The stream; it is not copied, so it must not change afterwards.</param>
    public SerializedObject(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty)
        {
            throw new ArgumentException("An NRBF payload cannot be empty.", nameof(payload));
        }

        Payload = payload;
    }

    /// <summary>The NRBF stream, starting with its SerializationHeader record.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <inheritdoc/>
    public bool Equals(SerializedObject? other) =>
        other is not null && Payload.Span.SequenceEqual(other.Payload.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SerializedObject);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Payload.Span);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"NRBF payload ({Payload.Length} bytes)";
}
