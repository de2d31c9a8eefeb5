namespace SessionBridge.Consumer.Tests;

/// <summary>The test classes that share one <see cref="PackedFeed"/>, so the packages are packed once per run.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Packed feed";
}
