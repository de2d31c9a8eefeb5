namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// <c>FormsAuthentication.Encrypt</c> and <c>Decrypt</c> for one machineKey configuration: the Framework45 provider
/// (label <c>FormsAuthentication.Ticket</c>) or the legacy pipeline, then hex.
/// </summary>
internal sealed class FormsCookieProtector
{
    /// <summary>The purpose (SP800-108 label) of forms tickets in Framework45.</summary>
    public const string Label = "FormsAuthentication.Ticket";

    private readonly AspNetCryptoService? _framework45;
    private readonly LegacyFormsCrypto? _legacy;

    /// <exception cref="MachineKeyConfigurationException">The settings cannot protect tickets.</exception>
    public FormsCookieProtector(MachineKeySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        if (settings.IsFramework45)
        {
            _framework45 = new AspNetCryptoService(settings, Label, []);
        }
        else
        {
            _legacy = new LegacyFormsCrypto(settings);
        }
    }

    public MachineKeySettings Settings { get; }

    /// <summary>Whether the layout has no MAC a reader can check before decrypting (protection None, or encryption with aspnet:UseLegacyEncryption).</summary>
    public bool IsUnsigned => !Settings.IsFramework45 && (Settings.FormsProtection == FormsProtection.None || (Settings.UseLegacyEncryption && Settings.FormsProtection is FormsProtection.All or FormsProtection.Encryption));

    /// <summary>Protects a ticket and returns the bytes.</summary>
    public byte[] ProtectBytes(FormsTicket ticket)
    {
        var blob = FormsTicketSerializer.Serialize(ticket);
        return _framework45?.Protect(blob) ?? _legacy!.Protect(blob);
    }

    /// <summary>The cookie value <c>FormsAuthentication.Encrypt(ticket)</c> gives: upper-case hex.</summary>
    public string Protect(FormsTicket ticket) => Convert.ToHexString(ProtectBytes(ticket));

    /// <summary>Reads a cookie value; <see langword="null"/> with a reason (never key material) when Microsoft's reader rejects it.</summary>
    public FormsTicket? Unprotect(string? cookie, out string? reason)
    {
        var bytes = LegacyCookieText.DecodeForms(cookie, out reason);
        if (bytes is null)
        {
            return null;
        }

        var blob = _framework45 is not null ? _framework45.Unprotect(bytes) : _legacy!.Unprotect(bytes);
        if (blob is null)
        {
            reason = "the signature or the encryption does not match this machineKey";
            return null;
        }

        var ticket = FormsTicketSerializer.Deserialize(blob);
        reason = ticket is null ? "the decrypted ticket is not in the FormsAuthenticationTicket format" : null;
        return ticket;
    }
}
