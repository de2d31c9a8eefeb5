using System.Data;
using System.Globalization;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.Tests.Infrastructure;

namespace SessionBridge.SqlServer.Tests.Infrastructure;

/// <summary>A store over the procedure model, with a fake clock and a log collector.</summary>
internal sealed class StoreUnderTest
{
    public const string SessionId = "abcdefghijklmnopqrstuvwx";

    /// <summary>The suffix System.Web gets for /LM/W3SVC/1/ROOT/MyApp (../spec/sqlserver-mode.md §4.3).</summary>
    public const string MyAppSuffix = "6565ceab";

    public StoreUnderTest(Action<SqlServerStoreOptions>? configure = null, bool compressed = false)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Database = new FakeAspStateDatabase(Time);
        Options = new SqlServerStoreOptions { ConnectionString = "Data Source=127.0.0.1", ApplicationId = "/LM/W3SVC/1/ROOT/MyApp" };
        configure?.Invoke(Options);
        Logger = new ListLogger();
        Store = new SqlServerSessionStore(Options, Database, Time, Logger, new LegacySessionFormat(compressionEnabled: compressed));
    }

    public FakeTimeProvider Time { get; }

    public FakeAspStateDatabase Database { get; }

    public SqlServerStoreOptions Options { get; }

    public ListLogger Logger { get; }

    public SqlServerSessionStore Store { get; }

    public static SessionStateData NewSession(int valueLength, int timeout = 20)
    {
        var data = new SessionStateData(timeout);
        data.Items["Value"] = new string('x', valueLength);
        return data;
    }

    /// <summary>Blob length of <see cref="Session"/>; used to place data exactly at the 7,000-byte boundary.</summary>
    public static int BlobLength(int valueLength) => SessionStateSerializer.GetSerializedLength(NewSession(valueLength));

    /// <summary>The value length whose blob is exactly <paramref name="blobLength"/> bytes.</summary>
    public static int ValueLengthFor(int blobLength)
    {
        for (var n = blobLength - 40; n < blobLength; n++)
        {
            if (BlobLength(n) == blobLength)
            {
                return n;
            }
        }

        throw new InvalidOperationException($"No value length gives a {blobLength}-byte blob.");
    }

    /// <summary>"@name Type(size) Direction" for every parameter, in order.</summary>
    public static string[] Shape(SqlCommand command) => [.. command.Parameters.Cast<SqlParameter>().Select(p =>
        string.Create(CultureInfo.InvariantCulture, $"{p.ParameterName} {p.SqlDbType}{(p.Size > 0 ? $"({p.Size})" : string.Empty)} {p.Direction}"))];

    public static void AssertProcedure(SqlCommand command, string name, int timeoutSeconds = 30)
    {
        Assert.Equal(name, command.CommandText);
        Assert.Equal(CommandType.StoredProcedure, command.CommandType);
        Assert.Equal(timeoutSeconds, command.CommandTimeout);
    }
}
