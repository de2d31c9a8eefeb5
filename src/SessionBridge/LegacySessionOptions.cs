using Microsoft.AspNetCore.Http;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge;

/// <summary>
/// Options of the legacy session middleware, bound from the <c>"LegacySession"</c> configuration section by
/// <c>AddLegacySession(IConfiguration)</c> and validated when the application starts.
/// </summary>
/// <remarks>
/// Every default is System.Web's: <c>&lt;sessionState cookieName="ASP.NET_SessionId" timeout="20"
/// cookieSameSite="Lax"&gt;</c>, <c>&lt;httpRuntime executionTimeout="110"&gt;</c> and
/// <c>aspnet:RequestQueueLimitPerSession = 50</c>; the two fixation options go beyond it.
/// </remarks>
public sealed class LegacySessionOptions
{
    /// <summary>
    /// The legacy application's <c>[Serializable]</c> types and the ASP.NET Core types they read and write as, e.g.
    /// <c>Types.Map&lt;Cart&gt;("LegacyApp.Models.Cart, LegacyApp")</c>.
    /// </summary>
    /// <remarks>
    /// Session values the legacy application stored with BinaryFormatter (type code 20) read as the mapped type, as a
    /// built-in shape (primitive arrays, <c>List&lt;T&gt;</c> and <c>Dictionary&lt;string, T&gt;</c> of primitives, …), or as a
    /// read-only <see cref="Legacy.Format.Values.LegacyObject"/> view when the type is not mapped; objects of mapped types can
    /// be stored and are written as the NRBF stream the legacy application's BinaryFormatter reads. SessionBridge never
    /// runs BinaryFormatter and never loads a type because a stream names it. Code only; not bound from configuration.
    /// </remarks>
    public Legacy.Format.Values.LegacyTypeMap Types { get; } = new();

    /// <summary>
    /// The System.Web the legacy application runs on: <see cref="Legacy.Configuration.LegacyPlatform.SystemWeb"/> (Microsoft's, the
    /// default) or <see cref="Legacy.Configuration.LegacyPlatform.Mono"/>. Mono selects Mono's session IDs (24 upper-case hex
    /// characters, kept as presented) and Mono's session format for every store that holds the legacy format; a store's
    /// own dialect option, where it has one, overrides the format.
    /// </summary>
    public LegacyPlatform LegacyPlatform { get; set; } = LegacySessionDefaults.Platform;

    /// <summary>The session cookie's name (System.Web: <c>sessionState/@cookieName</c>). Default <c>ASP.NET_SessionId</c>.</summary>
    public string CookieName { get; set; } = LegacySessionDefaults.CookieName;

    /// <summary>The cookie's SameSite attribute (System.Web: <c>sessionState/@cookieSameSite</c>). Default <see cref="SameSiteMode.Lax"/>; <see cref="SameSiteMode.Unspecified"/> writes none.</summary>
    public SameSiteMode CookieSameSite { get; set; } = LegacySessionDefaults.CookieSameSite;

    /// <summary>When the cookie is marked Secure (System.Web: <c>httpCookies/@requireSSL</c>). Default <see cref="CookieSecurePolicy.None"/>, as System.Web.</summary>
    public CookieSecurePolicy CookieSecure { get; set; } = LegacySessionDefaults.CookieSecure;

    /// <summary>The cookie's Domain attribute (System.Web: <c>httpCookies/@domain</c>). Default none.</summary>
    public string? CookieDomain { get; set; }

    /// <summary>The timeout of new sessions in minutes, 1 to 525,600 (System.Web: <c>sessionState/@timeout</c>). Default 20.</summary>
    public int Timeout { get; set; } = LegacySessionDefaults.TimeoutMinutes;

    /// <summary>
    /// How long a request may hold a session's lock: a lock older than this is stolen by a waiting request, and stores
    /// give their locks this time to live (System.Web: <c>httpRuntime/@executionTimeout</c>). Default 110 seconds.
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = LegacySessionDefaults.ExecutionTimeout;

    /// <summary>The behaviour of endpoints without session metadata. Default <see cref="LegacySessionBehavior.Required"/>, a WebForms page's default.</summary>
    public LegacySessionBehavior DefaultBehavior { get; set; } = LegacySessionDefaults.Behavior;

    /// <summary>
    /// How many requests may wait for one session's lock; one more fails at once with 429
    /// (System.Web: <c>appSettings aspnet:RequestQueueLimitPerSession</c>). Default 50.
    /// </summary>
    public int RequestQueueLimit { get; set; } = LegacySessionDefaults.RequestQueueLimit;

    /// <summary>
    /// After <c>Abandon()</c>, send a new session ID so the abandoned ID is never used again (System.Web reuses it,
    /// which allows session fixation). Default <see langword="true"/>; the legacy application simply sees the new cookie.
    /// </summary>
    public bool RenewIdAfterAbandon { get; set; } = true;

    /// <summary>
    /// Refuse presented IDs the store does not hold (never issued, expired or removed) and issue a new ID instead of
    /// reusing the presented one as System.Web does. Default <see langword="false"/>, for compatibility; turning it on
    /// closes session fixation through planted IDs.
    /// </summary>
    public bool RejectUnknownIds { get; set; }

    /// <summary>
    /// The store to use, by name: <c>InMemory</c>, <c>DistributedCache</c>, or one another package adds (e.g. <c>Redis</c>).
    /// Default: the store added last on the builder, or <c>InMemory</c> when none was.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>
    /// Whether session blobs are compressed, as the legacy <c>&lt;sessionState compressionEnabled="true"&gt;</c>: it
    /// must match the legacy application's setting. Applies to every store that keeps the whole blob (state server,
    /// SQL Server, in-memory, distributed cache). Default <see langword="false"/>.
    /// </summary>
    public bool CompressionEnabled { get; set; }

    /// <summary>How long one store operation may take before it counts as a store failure. Default 15 seconds.</summary>
    public TimeSpan StoreTimeout { get; set; } = LegacySessionDefaults.StoreTimeout;

    /// <summary>The status code answered when the store fails or times out. Default 503.</summary>
    public int StoreFailureStatusCode { get; set; } = LegacySessionDefaults.StoreFailureStatusCode;

    /// <summary>The status code answered when the stored session cannot be read (it is left as it is). Default 500.</summary>
    public int CorruptSessionStatusCode { get; set; } = LegacySessionDefaults.CorruptSessionStatusCode;

    /// <summary>
    /// The longest pause between two reads of a locked session when the store cannot notify its release (System.Web
    /// polls every 500 ms). Waiters in this process are woken at once regardless. Default 500 ms.
    /// </summary>
    public TimeSpan MaxLockPollInterval { get; set; } = LegacySessionDefaults.MaxLockPollInterval;

    /// <summary>
    /// Buffer the responses of <see cref="LegacySessionBehavior.Required"/> endpoints until the session is saved, as
    /// System.Web does (<c>Response.BufferOutput</c>), so the cookie and a failed save can still change the response.
    /// Turn off for streaming endpoints; a save that then fails aborts the response. Default <see langword="true"/>.
    /// </summary>
    public bool BufferResponse { get; set; } = true;

    /// <summary>
    /// How <c>HttpContext.Session.Set</c> (and so <c>SetString</c>/<c>SetInt32</c>) stores each key, so that the legacy
    /// application reads a string or an int. A key not listed here keeps the kind of the value it holds; setting a
    /// new unlisted key throws. Keys compare case-insensitively.
    /// </summary>
    public IDictionary<string, LegacySessionValueKind> SessionKeys { get; } =
        new Dictionary<string, LegacySessionValueKind>(StringComparer.OrdinalIgnoreCase);
}
