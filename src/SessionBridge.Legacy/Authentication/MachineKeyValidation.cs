namespace SessionBridge.Legacy.Authentication;

/// <summary>The <c>&lt;machineKey validation&gt;</c> values System.Web accepts (../spec/legacy-auth-cookies.md §1.1).</summary>
internal enum MachineKeyValidation
{
    /// <summary><c>SHA1</c>: HMAC-SHA1 (20 bytes), not a bare hash.</summary>
    SHA1,

    /// <summary><c>MD5</c>: legacy modes only, <c>MD5(data ‖ validationKey)</c> (16 bytes).</summary>
    MD5,

    /// <summary><c>3DES</c>: legacy modes only, an HMAC-SHA1 MAC for forms tickets.</summary>
    TripleDES,

    /// <summary><c>AES</c>: legacy modes only, an HMAC-SHA1 MAC for forms tickets.</summary>
    AES,

    /// <summary><c>HMACSHA256</c> (the attribute's default since ASP.NET 4.0).</summary>
    HMACSHA256,

    /// <summary><c>HMACSHA384</c>.</summary>
    HMACSHA384,

    /// <summary><c>HMACSHA512</c>.</summary>
    HMACSHA512,
}
