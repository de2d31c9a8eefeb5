using System.Security.Cryptography;

namespace SessionBridge.Legacy.Authentication;

/// <summary>The block ciphers and MACs both machineKey pipelines use (CBC, PKCS#7; HMAC or legacy MD5).</summary>
internal static class LegacyCiphers
{
#pragma warning disable CA5350, CA5351 // 3DES, DES, SHA-1 and MD5: the legacy application's own algorithms, required to read its cookies.
    public static SymmetricAlgorithm CreateCipher(MachineKeyDecryption cipher, ReadOnlySpan<byte> key)
    {
        SymmetricAlgorithm algorithm = cipher switch
        {
            MachineKeyDecryption.AES => Aes.Create(),
            MachineKeyDecryption.TripleDES => TripleDES.Create(),
            MachineKeyDecryption.DES => DES.Create(),
            _ => throw new ArgumentOutOfRangeException(nameof(cipher)),
        };
        try
        {
            algorithm.Key = key.ToArray();
            return algorithm;
        }
        catch (CryptographicException ex)
        {
            algorithm.Dispose();
            throw new MachineKeyConfigurationException($"The {MachineKeySettings.DecryptionName(cipher)} key is refused by the cipher ({ex.Message}).", ex);
        }
    }

    public static int BlockSize(MachineKeyDecryption cipher) => cipher == MachineKeyDecryption.AES ? 16 : 8;

    public static int MacSize(MachineKeyValidation validation, bool legacy) => validation switch
    {
        MachineKeyValidation.MD5 => 16,
        MachineKeyValidation.HMACSHA256 => 32,
        MachineKeyValidation.HMACSHA384 => 48,
        MachineKeyValidation.HMACSHA512 => 64,
        MachineKeyValidation.SHA1 => 20,
        MachineKeyValidation.TripleDES or MachineKeyValidation.AES when legacy => 20,
        _ => throw new ArgumentOutOfRangeException(nameof(validation)),
    };

    /// <summary>The MAC of <paramref name="data"/>: HMAC for every algorithm but legacy MD5, which is <c>MD5(data ‖ key)</c> (§4.3).</summary>
    public static void Mac(MachineKeyValidation validation, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        switch (validation)
        {
            case MachineKeyValidation.MD5:
                using (var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
                {
                    md5.AppendData(data);
                    md5.AppendData(key);
                    md5.GetHashAndReset(destination);
                }

                break;
            case MachineKeyValidation.HMACSHA256:
                HMACSHA256.HashData(key, data, destination);
                break;
            case MachineKeyValidation.HMACSHA384:
                HMACSHA384.HashData(key, data, destination);
                break;
            case MachineKeyValidation.HMACSHA512:
                HMACSHA512.HashData(key, data, destination);
                break;
            default:
                HMACSHA1.HashData(key, data, destination);
                break;
        }
    }
#pragma warning restore CA5350, CA5351

    /// <summary>Compares a MAC in constant time.</summary>
    public static bool MacMatches(MachineKeyValidation validation, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        Span<byte> computed = stackalloc byte[64];
        computed = computed[..mac.Length];
        Mac(validation, key, data, computed);
        return CryptographicOperations.FixedTimeEquals(computed, mac);
    }
}
