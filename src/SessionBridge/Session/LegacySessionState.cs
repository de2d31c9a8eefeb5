using SessionBridge.Legacy.Format;

namespace SessionBridge.Session;

/// <summary>One request's session: the data read from the store and what the request did to it.</summary>
internal sealed class LegacySessionState : ILegacySessionState
{
    private readonly ISessionValueConverter _converter;
    private readonly int _originalTimeout;

    public LegacySessionState(string sessionId, SessionStateData data, bool isNew, bool isReadOnly, ISessionValueConverter converter)
    {
        SessionID = sessionId;
        Data = data;
        IsNewSession = isNew;
        IsReadOnly = isReadOnly;
        _converter = converter;
        _originalTimeout = data.Timeout;
        data.Items.Dirty = false;
    }

    public string SessionID { get; }

    public bool IsNewSession { get; }

    public bool IsReadOnly { get; }

    public bool IsAbandoned { get; private set; }

    public SessionStateData Data { get; }

    public bool TimeoutChanged => Data.Timeout != _originalTimeout;

    /// <summary>Whether the commit rules save this session (SessionStateModule.OnReleaseState).</summary>
    public bool NeedsSave => !IsReadOnly && !IsAbandoned && (RenewedId is not null || Data.Items.Dirty || (IsNewSession && Data.Items.Count > 0) || TimeoutChanged);

    public int Timeout
    {
        get => Data.Timeout;
        set
        {
            EnsureWritable();
            if (value is < LegacySessionDefaults.MinTimeoutMinutes or > LegacySessionDefaults.MaxTimeoutMinutes)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"A session timeout is between {LegacySessionDefaults.MinTimeoutMinutes} and {LegacySessionDefaults.MaxTimeoutMinutes} minutes.");
            }

            Data.Timeout = value;
        }
    }

    public int Count => Data.Items.Count;

    public IReadOnlyList<string?> Keys => Data.Items.Keys;

    public object? this[string name]
    {
        get => _converter.FromStored(name, Data.Items[name]);
        set
        {
            EnsureWritable();
            Data.Items[name] = _converter.ToStored(name, value);
        }
    }

    public object? this[int index]
    {
        get => _converter.FromStored(Data.Items.GetKey(index), Data.Items[index]);
        set
        {
            EnsureWritable();
            Data.Items[index] = _converter.ToStored(Data.Items.GetKey(index), value);
        }
    }

    public void Add(string name, object? value) => this[name] = value;

    public void Remove(string name)
    {
        EnsureWritable();
        Data.Items.Remove(name);
    }

    public void RemoveAt(int index)
    {
        EnsureWritable();
        Data.Items.RemoveAt(index);
    }

    public void Clear()
    {
        EnsureWritable();
        Data.Items.Clear();
    }

    public void Abandon()
    {
        EnsureWritable();
        IsAbandoned = true;
    }

    /// <summary>The ID the session moves to when the request ends (<see cref="RenewId"/>), or <see langword="null"/>.</summary>
    public string? RenewedId { get; private set; }

    /// <summary>
    /// Moves the session's content to a new ID when the request ends (sign-in's defence against session fixation):
    /// the old ID is removed from the store and the cookie carries the new one.
    /// </summary>
    public string RenewId()
    {
        EnsureWritable();
        return RenewedId ??= SessionId.Create();
    }

    /// <summary>Reads a stored value without conversion (the ISession view).</summary>
    public object? GetStored(string name) => Data.Items[name];

    /// <summary>Stores a value without conversion (the ISession view).</summary>
    public void SetStored(string name, object? value)
    {
        EnsureWritable();
        Data.Items[name] = value;
    }

    private void EnsureWritable()
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException(
                "The session is read-only for this endpoint (LegacySessionBehavior.ReadOnly), so it cannot be changed; " +
                "mark the endpoint [LegacySession(LegacySessionBehavior.Required)] or .WithLegacySession(LegacySessionBehavior.Required) to write.");
        }
    }
}
