namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// <c>System.Web.Security.MachineKey.Protect/Unprotect(data, purposes)</c>: the Framework45 provider with label
/// <c>User.MachineKey.Protect</c> and the purposes as specific purposes, whatever compatibilityMode says (§3.3).
/// </summary>
internal sealed class MachineKeyProtector
{
    /// <summary>The primary purpose of <c>MachineKey.Protect</c>.</summary>
    public const string Label = "User.MachineKey.Protect";

    private readonly AspNetCryptoService _service;

    /// <exception cref="ArgumentException">A purpose is null or whitespace (System.Web's check, before any crypto).</exception>
    /// <exception cref="MachineKeyConfigurationException">The settings cannot protect data (e.g. validation MD5).</exception>
    public MachineKeyProtector(MachineKeySettings settings, params string[] purposes)
    {
        ArgumentNullException.ThrowIfNull(purposes);
        if (purposes.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException(
                "If a list of purposes is specified, the list cannot contain null entries or entries that are comprised solely of whitespace characters.", nameof(purposes));
        }

        _service = new AspNetCryptoService(settings, Label, purposes);
    }

    public byte[] Protect(ReadOnlySpan<byte> data) => _service.Protect(data);

    /// <summary>The data, or <see langword="null"/> when the MAC, the padding or the length is wrong.</summary>
    public byte[]? Unprotect(ReadOnlySpan<byte> data) => _service.Unprotect(data);
}
