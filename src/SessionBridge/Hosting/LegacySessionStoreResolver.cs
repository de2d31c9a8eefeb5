using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Hosting;

/// <summary>Creates the configured store once and owns it.</summary>
internal sealed class LegacySessionStoreResolver : IDisposable, IAsyncDisposable
{
    private readonly Lazy<ILegacySessionStore> _store;

    public LegacySessionStoreResolver(IEnumerable<LegacySessionStoreRegistration> registrations, IOptions<LegacySessionOptions> options, IServiceProvider services)
    {
        var registration = Select(registrations.ToList(), options.Value.Store)
            ?? throw new InvalidOperationException(UnknownStoreMessage(registrations, options.Value.Store));
        Name = registration.Name;
        _store = new Lazy<ILegacySessionStore>(() => registration.Factory(services)
            ?? throw new InvalidOperationException($"The factory of the session store '{registration.Name}' returned null."));
    }

    public string Name { get; }

    public ILegacySessionStore Store => _store.Value;

    public static LegacySessionStoreRegistration? Select(IReadOnlyList<LegacySessionStoreRegistration> registrations, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return registrations.Count > 0 ? registrations[^1] : null;
        }

        for (var i = registrations.Count - 1; i >= 0; i--)
        {
            if (string.Equals(registrations[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return registrations[i];
            }
        }

        return null;
    }

    public static string UnknownStoreMessage(IEnumerable<LegacySessionStoreRegistration> registrations, string? name) =>
        $"LegacySession:Store is '{name}', but no store of that name was added; the added stores are: " +
        $"{string.Join(", ", registrations.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase))}. " +
        "Add it on the builder that AddLegacySession returns (e.g. .AddRedisStore(...)) or change LegacySession:Store.";

    public void Dispose()
    {
        if (_store.IsValueCreated && _store.Value is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_store.IsValueCreated && _store.Value is IAsyncDisposable disposable)
        {
            return disposable.DisposeAsync();
        }

        Dispose();
        return ValueTask.CompletedTask;
    }
}
