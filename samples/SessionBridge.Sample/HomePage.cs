namespace SessionBridge.Sample;

/// <summary>The home page: what the sample shows, with a link or a button for every endpoint.</summary>
internal static class HomePage
{
    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>SessionBridge sample</title>
        <style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
        code{background:#f3f3f3;padding:0 .2rem}form{display:inline}td{padding:.2rem .6rem;vertical-align:top}</style></head>
        <body>
        <h1>SessionBridge sample</h1>
        <p>This ASP.NET Core app uses <strong>System.Web session semantics</strong>: the <code>ASP.NET_SessionId</code> cookie,
        values stored in the legacy ASP.NET session format, one writer per session at a time (exclusive lock), read-only
        requests that never block each other, <code>Abandon()</code> and a sliding timeout. The store is chosen by the
        configuration key <code>LegacySession:Store</code> (<code>InMemory</code> by default, <code>DistributedCache</code>, or <code>Redis</code> with <code>LegacySession:Redis:Configuration</code> and <code>LegacySession:ApplicationName</code>);
        point it at the store your legacy app uses and both apps share their sessions.</p>
        <table>
        <tr><td><form method="post" action="/counter/increment"><button>POST /counter/increment</button></form></td><td>Required: adds 1 to the Int32 <code>Session["Count"]</code> and returns it.</td></tr>
        <tr><td><a href="/counter">GET /counter</a></td><td>ReadOnly: the count (0 when absent).</td></tr>
        <tr><td><form method="post" action="/login?user=alice"><button>POST /login?user=alice</button></form></td><td>Required: signs in with the legacy app's .ASPXAUTH ticket, its OWIN cookie and <code>Session["UserName"]</code> (new session ID).</td></tr>
        <tr><td><a href="/whoami">GET /whoami</a></td><td>ReadOnly: the legacy identity present (name, authenticationType, claims) as JSON, or 401.</td></tr>
        <tr><td><form method="post" action="/logout"><button>POST /logout</button></form></td><td>Required: clears both cookies and abandons the session.</td></tr>
        <tr><td><form method="post" action="/abandon"><button>POST /abandon</button></form></td><td>Required: abandons the session; the next request starts a new, empty one (with a new ID).</td></tr>
        <tr><td><a href="/slow?ms=3000">GET /slow?ms=3000</a></td><td>Required: holds the session's lock for 3 s. Open it in two tabs: the second waits for the first, as in System.Web.</td></tr>
        <tr><td><form method="post" action="/cart/add?sku=SKU-1&amp;quantity=1&amp;price=9.99"><button>POST /cart/add?sku=SKU-1&amp;quantity=1&amp;price=9.99</button></form></td><td>Required: adds to the legacy app's <code>[Serializable]</code> <code>Cart</code>, mapped to this app's <code>Cart</code> type and stored as the BinaryFormatter stream the legacy app reads (no BinaryFormatter runs here).</td></tr>
        <tr><td><a href="/cart">GET /cart</a></td><td>ReadOnly: the cart as JSON.</td></tr>
        <tr><td><a href="/session">GET /session</a></td><td>ReadOnly: the session's items as JSON (key, type, typeCode, value, valueHex: the bytes the legacy app reads).</td></tr>
        <tr><td><a href="/health">GET /health</a></td><td>The health check of the configured session store.</td></tr>
        </table>
        <p>Try it from a shell: <code>curl -c jar -b jar -X POST localhost:5080/counter/increment</code>, twice, then
        <code>curl -b jar localhost:5080/session</code>.</p>
        </body>
        </html>
        """;

    public static IResult Render() => Results.Content(Html, "text/html; charset=utf-8");
}
