using SessionBridge.Legacy.Stores;

namespace SessionBridge;

/// <summary>
/// A session store the application can choose by name with <see cref="LegacySessionOptions.Store"/>; added by the
/// builder's store methods (<c>.AddInMemoryStore()</c>, <c>.AddStore(...)</c>).
/// </summary>
public sealed class LegacySessionStoreRegistration
{
    /// <summary>Creates a registration.</summary>
    /// <param name="name">The name <see cref="LegacySessionOptions.Store"/> refers to, e.g. <c>InMemory</c>.</param>
    /// <param name="factory">Creates the store once, from the application's services.</param>
    public LegacySessionStoreRegistration(string name, Func<IServiceProvider, ILegacySessionStore> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Name = name;
        Factory = factory;
    }

    /// <summary>The store's name.</summary>
    public string Name { get; }

    /// <summary>Creates the store.</summary>
    public Func<IServiceProvider, ILegacySessionStore> Factory { get; }

    /// <summary>Describes the store's target for the start-up log line (endpoint, layout; never a secret).</summary>
    internal Func<IServiceProvider, string>? Describe { get; init; }
}
