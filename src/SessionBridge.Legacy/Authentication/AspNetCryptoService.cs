using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// System.Web's Framework45 crypto (<c>AspNetCryptoServiceProvider</c>), used by forms tickets in Framework45 and by
/// <c>MachineKey.Protect</c> (so OWIN cookies) in every mode. ../spec/legacy-auth-cookies.md §3.
/// </summary>
/// <remarks>
/// <code>
/// protected = IV (one block, random) ‖ CBC(encKey, IV, PKCS#7(plaintext)) ‖ HMAC(valKey, IV ‖ ciphertext)
/// encKey / valKey = SP800-108 counter mode, PRF HMAC-SHA512 keyed with the master key:
///   K(i) = HMAC(i BE32 ‖ label ‖ 0x00 ‖ context ‖ L BE32), L = master key length in bits, output truncated to L
///   context = for each specific purpose: 7-bit byte count ‖ UTF-8 bytes
/// </code>
/// The MAC is checked in constant time before anything is decrypted.
/// </remarks>
internal sealed class AspNetCryptoService
{
    private readonly MachineKeyDecryption _cipher;
    private readonly MachineKeyValidation _validation;
    private readonly byte[] _encryptionKey;
    private readonly byte[] _validationKey;
    private readonly int _blockSize;
    private readonly int _macSize;

    public AspNetCryptoService(MachineKeySettings settings, string label, IReadOnlyList<string> specificPurposes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Validation is MachineKeyValidation.MD5 or MachineKeyValidation.TripleDES or MachineKeyValidation.AES)
        {
            throw new MachineKeyConfigurationException(
                $"validation=\"{MachineKeySettings.ValidationName(settings.Validation)}\" cannot protect data with MachineKey.Protect (OWIN cookies): System.Web refuses it " +
                "there in every compatibilityMode. The legacy application must use SHA1, HMACSHA256, HMACSHA384 or HMACSHA512.");
        }

        _cipher = MachineKeySettings.EffectiveFramework45Cipher(settings.Decryption);
        _validation = settings.Validation;
        _blockSize = LegacyCiphers.BlockSize(_cipher);
        _macSize = LegacyCiphers.MacSize(_validation, legacy: false);
        var context = Context(specificPurposes);
        var labelBytes = Encoding.UTF8.GetBytes(label);
        _encryptionKey = DeriveKey(settings.DecryptionKey, labelBytes, context);
        _validationKey = DeriveKey(settings.ValidationKey, labelBytes, context);
        if (_cipher == MachineKeyDecryption.AES && _encryptionKey.Length is not (16 or 24 or 32))
        {
            throw new MachineKeyConfigurationException(
                $"decryption=\"{MachineKeySettings.DecryptionName(settings.Decryption)}\" is AES in Framework45 and MachineKey.Protect, which needs a decryptionKey of 32, 48 or 64 hex characters; " +
                $"it has {_encryptionKey.Length * 2}.");
        }

        using var probe = LegacyCiphers.CreateCipher(_cipher, _encryptionKey);
    }

    internal byte[] EncryptionKey => _encryptionKey;

    internal byte[] ValidationKey => _validationKey;

    /// <summary>The context of SP800-108: each purpose as a <c>BinaryWriter</c> string.</summary>
    public static byte[] Context(IReadOnlyList<string> purposes)
    {
        ArgumentNullException.ThrowIfNull(purposes);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, new UTF8Encoding(false, true), leaveOpen: true))
        {
            foreach (var purpose in purposes)
            {
                writer.Write(purpose);
            }
        }

        return stream.ToArray();
    }

    public static byte[] DeriveKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context)
    {
        var lengthBytes = masterKey.Length;
        var input = new byte[4 + label.Length + 1 + context.Length + 4];
        label.CopyTo(input.AsSpan(4));
        context.CopyTo(input.AsSpan(4 + label.Length + 1));
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(input.Length - 4), checked(lengthBytes * 8));
        var output = new byte[lengthBytes];
        Span<byte> block = stackalloc byte[64];
        for (int i = 1, offset = 0; offset < lengthBytes; i++, offset += 64)
        {
            BinaryPrimitives.WriteInt32BigEndian(input, i);
            HMACSHA512.HashData(masterKey, input, block);
            block[..Math.Min(64, lengthBytes - offset)].CopyTo(output.AsSpan(offset));
        }

        return output;
    }

    public byte[] Protect(ReadOnlySpan<byte> plaintext)
    {
        using var cipher = LegacyCiphers.CreateCipher(_cipher, _encryptionKey);
        var iv = RandomNumberGenerator.GetBytes(_blockSize);
        var ciphertext = cipher.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
        var output = new byte[iv.Length + ciphertext.Length + _macSize];
        iv.CopyTo(output, 0);
        ciphertext.CopyTo(output, iv.Length);
        LegacyCiphers.Mac(_validation, _validationKey, output.AsSpan(0, iv.Length + ciphertext.Length), output.AsSpan(iv.Length + ciphertext.Length));
        return output;
    }

    /// <summary>Checks the MAC, then decrypts; <see langword="null"/> on any failure (System.Web: a bare CryptographicException).</summary>
    public byte[]? Unprotect(ReadOnlySpan<byte> data)
    {
        var cipherLength = data.Length - _blockSize - _macSize;
        if (cipherLength <= 0 || cipherLength % _blockSize != 0)
        {
            return null;
        }

        var signed = data[..(_blockSize + cipherLength)];
        if (!LegacyCiphers.MacMatches(_validation, _validationKey, signed, data[signed.Length..]))
        {
            return null;
        }

        using var cipher = LegacyCiphers.CreateCipher(_cipher, _encryptionKey);
        try
        {
            return cipher.DecryptCbc(data.Slice(_blockSize, cipherLength), data[.._blockSize], PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
