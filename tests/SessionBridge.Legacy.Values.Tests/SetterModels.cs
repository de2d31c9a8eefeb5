// Types with private and readonly fields, to prove the decoder's compiled field setters write every kind of field.
#pragma warning disable CA1051, CA2235, CA1815, CA1066
namespace SessionBridge.Legacy.Values.Tests;

[Serializable]
public sealed class SealedHolder
{
    private readonly int _count;
    private readonly string? _label;
    private readonly ReadonlyPoint _point;
    private readonly int? _maybe;

    public SealedHolder(int count, string? label, ReadonlyPoint point, int? maybe)
    {
        _count = count;
        _label = label;
        _point = point;
        _maybe = maybe;
    }

    public int Count => _count;

    public string? Label => _label;

    public ReadonlyPoint Point => _point;

    public int? Maybe => _maybe;
}

[Serializable]
public readonly struct ReadonlyPoint
{
    public readonly long X;
    public readonly double Y;

    public ReadonlyPoint(long x, double y)
    {
        X = x;
        Y = y;
    }
}
