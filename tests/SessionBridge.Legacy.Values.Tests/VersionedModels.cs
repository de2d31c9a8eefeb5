// Versions of one legacy class (the stream names them all "Legacy.Versioned, LegacyVersions"), to prove the decoder
// reads each version's own members when it reuses the member plan of an earlier record of that type name.
#pragma warning disable CA1051, CA2235
namespace SessionBridge.Legacy.Values.Tests;

/// <summary>The type the application maps the legacy class to: every field any version has.</summary>
[Serializable]
public sealed class Versioned
{
    public int A;
    public string? B;
    public string? C;
}

/// <summary>Version 1: A, B.</summary>
[Serializable]
public sealed class VersionedAB
{
    public int A;
    public string? B;
}

/// <summary>Version 2: as many members as version 1, the second renamed.</summary>
[Serializable]
public sealed class VersionedAC
{
    public int A;
    public string? C;
}

/// <summary>Version 3: version 1's members in the other order.</summary>
[Serializable]
public sealed class VersionedBA
{
    public string? B;
    public int A;
}

/// <summary>Version 4: a member the mapped type does not have, in place of B.</summary>
[Serializable]
public sealed class VersionedAX
{
    public int A;
    public string? X;
}
