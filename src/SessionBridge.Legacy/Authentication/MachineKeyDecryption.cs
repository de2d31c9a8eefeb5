namespace SessionBridge.Legacy.Authentication;

/// <summary>The <c>&lt;machineKey decryption&gt;</c> values System.Web accepts (../spec/legacy-auth-cookies.md §1.1).</summary>
internal enum MachineKeyDecryption
{
    /// <summary><c>Auto</c>: AES in Framework45; in legacy modes DES for an 8-byte key, AES otherwise.</summary>
    Auto,

    /// <summary><c>AES</c> (128, 192 or 256 bits, following the key).</summary>
    AES,

    /// <summary><c>3DES</c> (16- or 24-byte key).</summary>
    TripleDES,

    /// <summary><c>DES</c> (the first 8 bytes of the key).</summary>
    DES,
}
