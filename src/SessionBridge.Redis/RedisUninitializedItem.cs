using SessionBridge.Legacy.Format;

namespace SessionBridge.Redis;

/// <summary>
/// What the provider's <c>CreateUninitializedItem</c> stores: a collection with the one item
/// <c>SessionStateActions</c> = <c>InitializeItem</c>, a type-20 (BinaryFormatter) record of System.Web's enum
/// (vector <c>redis-v5-uninitialized-item-collection</c>; ../shared/spec/redis-provider-layout.md §1.3–1.4).
/// </summary>
internal static class RedisUninitializedItem
{
    /// <summary>The item's key, which a reader turns into <see cref="SessionStateActions.InitializeItem"/>.</summary>
    public const string ActionsKey = "SessionStateActions";

    /// <summary>
    /// The NRBF stream of <c>System.Web.SessionState.SessionStateActions.InitializeItem</c> (class
    /// <c>System.Web.SessionState.SessionStateActions</c> in <c>System.Web, Version=4.0.0.0, Culture=neutral,
    /// PublicKeyToken=b03f5f7f11d50a3a</c>, <c>value__</c> = 1): the provider 2.x–4.x HASH field value.
    /// </summary>
    public static ReadOnlySpan<byte> ActionsPayload => s_actionsPayload;

    private static readonly byte[] s_actionsPayload = Convert.FromHexString(
        "0001000000FFFFFFFF01000000000000000C020000004D53797374656D2E5765622C2056657273696F6E3D342E302E302E302C2043756C747572653D6E65757472616C2C205075626C69634B6579546F6B656E3D6230336635663766313164353061336105010000002B53797374656D2E5765622E53657373696F6E53746174652E53657373696F6E5374617465416374696F6E73010000000776616C75655F5F000802000000010000000B");

    /// <summary>
    /// The provider 5.x STRING: the bare item collection holding only that item, in the format's dialect. Microsoft's
    /// System.Web writes the enum as type byte 20 and the stream above; Mono's <c>AltSerialization</c> writes
    /// <c>Type.GetTypeCode</c> of the value, which for an enum is its underlying type's, so on Mono the item is the
    /// Int32 1 (mono/mono <c>mcs/class/System.Web/System.Web.Util/AltSerialization.cs</c>).
    /// </summary>
    public static byte[] CreateV5Blob(LegacySessionFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Dialect == LegacySessionDialect.Mono)
        {
            return format.SerializeItems(new SessionStateItemCollection { [ActionsKey] = (int)SessionStateActions.InitializeItem });
        }

        var payload = ActionsPayload;
        var key = "\u0013SessionStateActions"u8; // 7-bit length prefix (19) + UTF-8
        var blob = new byte[4 + 4 + key.Length + 4 + 1 + payload.Length];
        var span = blob.AsSpan();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span, 1); // count
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[4..], -1); // no null key
        key.CopyTo(span[8..]);
        var offset = 8 + key.Length;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[offset..], 1 + payload.Length); // end of item 0
        span[offset + 4] = 20; // SessionValueTypeCode.Object
        payload.CopyTo(span[(offset + 5)..]);
        return blob;
    }
}
