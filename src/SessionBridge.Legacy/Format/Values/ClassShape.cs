namespace SessionBridge.Legacy.Format.Values;

/// <summary>How an object is written as an NRBF class record: its legacy name, library, members and their values.</summary>
internal sealed class ClassShape
{
    public ClassShape(string name, string? library, string[] memberNames, MemberKind[] kinds, Func<object, object?[]> getValues)
    {
        Name = name;
        Library = library;
        MemberNames = memberNames;
        Kinds = kinds;
        GetValues = getValues;
        for (var i = 0; i < kinds.Length; i++)
        {
            if (kinds[i].ClassName?.StartsWith("System.Nullable`1[[", StringComparison.Ordinal) == true)
            {
                NullableMembers ??= new bool[kinds.Length];
                NullableMembers[i] = true;
            }
        }
    }

    /// <summary>Which members are declared <c>Nullable&lt;T&gt;</c>, or null when none is.</summary>
    public bool[]? NullableMembers { get; }

    public string Name { get; }

    /// <summary>The library name, or null for a type of mscorlib (a SystemClass record).</summary>
    public string? Library { get; }

    public string[] MemberNames { get; }

    public MemberKind[] Kinds { get; }

    public Func<object, object?[]> GetValues { get; }

    public bool SameMembers(ClassShape other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Name != other.Name || Library != other.Library || MemberNames.Length != other.MemberNames.Length)
        {
            return false;
        }

        for (var i = 0; i < MemberNames.Length; i++)
        {
            if (MemberNames[i] != other.MemberNames[i] || !Kinds[i].SameAs(other.Kinds[i]))
            {
                return false;
            }
        }

        return true;
    }
}
