namespace SessionBridge.SqlServer.Procedures;

/// <summary>Which column of <c>ASPStateTempSessions</c> a session was read from, which decides the update procedure.</summary>
internal enum StoredColumn
{
    /// <summary>Not known (the data was not read by this store): the update also clears the other column.</summary>
    Unknown,

    /// <summary><c>SessionItemShort</c> (varbinary(7000)), returned in the <c>@itemShort</c> output parameter.</summary>
    Short,

    /// <summary><c>SessionItemLong</c> (image), returned as a one-row result set.</summary>
    Long,
}
