namespace SessionBridge.Legacy.Authentication;

/// <summary><c>&lt;machineKey compatibilityMode&gt;</c> (../spec/legacy-auth-cookies.md §1.2).</summary>
internal enum MachineKeyCompatibilityMode
{
    /// <summary><c>Framework20SP1</c>: the default without <c>&lt;httpRuntime targetFramework="4.5+"&gt;</c>.</summary>
    Framework20SP1,

    /// <summary><c>Framework20SP2</c>.</summary>
    Framework20SP2,

    /// <summary><c>Framework45</c>: derived keys, random IV, encrypt-then-MAC (§3).</summary>
    Framework45,
}
