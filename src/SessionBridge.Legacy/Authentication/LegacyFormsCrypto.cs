using System.Security.Cryptography;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// FormsAuthentication's crypto in compatibilityMode Framework20SP1 / Framework20SP2 (MachineKeySection.EncryptOrDecryptData
/// and HashData). ../spec/legacy-auth-cookies.md §4.
/// </summary>
/// <remarks>
/// <code>
/// protection All:        C = CBC(key, IV = 0, PKCS#7(R ‖ T ‖ MAC(T)));  cookie = C ‖ MAC(C)
/// protection Encryption: C = CBC(key, IV = 0, PKCS#7(R ‖ T));           cookie = C ‖ MAC(C)
/// protection Validation: cookie = T ‖ MAC(T)          protection None: cookie = T
/// R: random, as long as the cipher key (AES 16/24/32, 3DES 16/24, DES 8).
/// aspnet:UseLegacyEncryption: no outer MAC(C), and R only in Framework20SP2.
/// MAC: HMAC keyed with the validation key (3DES/AES names: HMAC-SHA1); MD5: MD5(data ‖ key).
/// </code>
/// Where the layout has an outer MAC it is checked in constant time before anything is decrypted. Without one
/// (UseLegacyEncryption) decryption must come first; every failure then gives the same answer (null).
/// </remarks>
internal sealed class LegacyFormsCrypto
{
    private readonly MachineKeySettings _settings;
    private readonly MachineKeyDecryption _cipher;
    private readonly byte[] _cipherKey;
    private readonly int _macSize;
    private readonly int _prefixLength;
    private readonly bool _outerMac;

    public LegacyFormsCrypto(MachineKeySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _cipher = MachineKeySettings.EffectiveLegacyCipher(settings.Decryption, settings.DecryptionKey);
        _cipherKey = _cipher == MachineKeyDecryption.DES ? settings.DecryptionKey[..8] : settings.DecryptionKey;
        _macSize = LegacyCiphers.MacSize(settings.Validation, legacy: true);
        _outerMac = !settings.UseLegacyEncryption;
        _prefixLength = settings.UseLegacyEncryption && settings.CompatibilityMode == MachineKeyCompatibilityMode.Framework20SP1 ? 0 : _cipherKey.Length;
        using var probe = LegacyCiphers.CreateCipher(_cipher, _cipherKey);
    }

    /// <summary>Whether the layout is deterministic (no random part): System.Web writes the same cookie for the same ticket.</summary>
    public bool IsDeterministic => _settings.FormsProtection is FormsProtection.Validation or FormsProtection.None || _prefixLength == 0;

    public byte[] Protect(ReadOnlySpan<byte> ticket)
    {
        switch (_settings.FormsProtection)
        {
            case FormsProtection.None:
                return ticket.ToArray();
            case FormsProtection.Validation:
                return Signed(ticket);
        }

        var inner = _settings.FormsProtection == FormsProtection.All ? Signed(ticket) : ticket.ToArray();
        var plain = new byte[_prefixLength + inner.Length];
        RandomNumberGenerator.Fill(plain.AsSpan(0, _prefixLength));
        inner.CopyTo(plain, _prefixLength);
        using var cipher = LegacyCiphers.CreateCipher(_cipher, _cipherKey);
        var ciphertext = cipher.EncryptCbc(plain, new byte[LegacyCiphers.BlockSize(_cipher)], PaddingMode.PKCS7);
        return _outerMac ? Signed(ciphertext) : ciphertext;
    }

    /// <summary>The ticket bytes, or <see langword="null"/> when a MAC, the padding or a length is wrong.</summary>
    public byte[]? Unprotect(ReadOnlySpan<byte> cookie)
    {
        switch (_settings.FormsProtection)
        {
            case FormsProtection.None:
                return cookie.ToArray();
            case FormsProtection.Validation:
                return TryVerify(cookie, out var length) ? cookie[..length].ToArray() : null;
        }

        ReadOnlySpan<byte> ciphertext = cookie;
        if (_outerMac)
        {
            if (cookie.Length <= _macSize)
            {
                return null;
            }

            ciphertext = cookie[..^_macSize];
            if (!LegacyCiphers.MacMatches(_settings.Validation, _settings.ValidationKey, ciphertext, cookie[^_macSize..]))
            {
                return null;
            }
        }

        var block = LegacyCiphers.BlockSize(_cipher);
        if (ciphertext.Length == 0 || ciphertext.Length % block != 0)
        {
            return null;
        }

        byte[] plain;
        using (var cipher = LegacyCiphers.CreateCipher(_cipher, _cipherKey))
        {
            try
            {
                plain = cipher.DecryptCbc(ciphertext, new byte[block], PaddingMode.PKCS7);
            }
            catch (CryptographicException)
            {
                return null;
            }
        }

        if (plain.Length < _prefixLength)
        {
            return null;
        }

        var inner = plain.AsSpan(_prefixLength);
        if (_settings.FormsProtection != FormsProtection.All)
        {
            return inner.ToArray();
        }

        return TryVerify(inner, out var bodyLength) ? inner[..bodyLength].ToArray() : null;
    }

    private byte[] Signed(ReadOnlySpan<byte> data)
    {
        var output = new byte[data.Length + _macSize];
        data.CopyTo(output);
        LegacyCiphers.Mac(_settings.Validation, _settings.ValidationKey, data, output.AsSpan(data.Length));
        return output;
    }

    private bool TryVerify(ReadOnlySpan<byte> data, out int bodyLength)
    {
        bodyLength = data.Length - _macSize;
        return bodyLength >= 0 && LegacyCiphers.MacMatches(_settings.Validation, _settings.ValidationKey, data[..bodyLength], data[bodyLength..]);
    }
}
