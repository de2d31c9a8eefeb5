// The legacy half of the side-by-side sample: a System.Web application (IHttpHandler pages, no Web Forms markup),
// compiled by the sample at start with Mono's mcs:
//   mcs -target:library -out:bin/SideBySideLegacy.dll -r:System.Web.dll LegacyPages.cs
// and hosted by fastcgi-mono-server4 behind nginx on loopback. Its session lives in the state server named in
// web.config, which the ASP.NET Core half reads too, so both halves see one session:
//   Session["User"]  the logged-in user name (string)
//   Session["Cart"]  the SKUs in the cart (string[]), written by the Core pages, listed by /checkout
//   Session["Slow"]  how many times /slow finished (int)
using System;
using System.Globalization;
using System.Threading;
using System.Web;
using System.Web.SessionState;

namespace SideBySideLegacy
{
    internal static class Html
    {
        public static void Page(HttpContext context, string title, string body)
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Write("<!DOCTYPE html><html><head><title>" + HttpUtility.HtmlEncode(title) + "</title></head><body>"
                + "<p><em>Legacy app (System.Web on Mono)</em> · <a href=\"/products/SKU-1\">Product</a> · <a href=\"/cart\">Cart</a>"
                + " · <a href=\"/checkout\">Checkout</a> · <a href=\"/account\">My account</a> · <a href=\"/login\">Log in</a></p>"
                + "<h1>" + HttpUtility.HtmlEncode(title) + "</h1>" + body + "</body></html>");
        }

        // A relative Location (Response.Redirect would make it absolute with the back end's host and port).
        public static void SeeOther(HttpContext context, string path)
        {
            context.Response.StatusCode = 303;
            context.Response.AddHeader("Location", path);
        }

        public static string User(HttpSessionState session)
        {
            return session["User"] as string;
        }
    }

    // GET /login: the form. POST /login (user=NAME): Session["User"] = NAME, then to /account.
    public sealed class LoginPage : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            if (context.Request.HttpMethod == "POST")
            {
                string user = (context.Request.Form["user"] ?? "").Trim();
                if (user.Length == 0 || user.Length > 100)
                {
                    context.Response.StatusCode = 400;
                    Html.Page(context, "Log in", "<p id=\"error\">Enter a user name of 1 to 100 characters.</p>");
                    return;
                }

                context.Session["User"] = user;
                Html.SeeOther(context, "/account");
                return;
            }

            Html.Page(context, "Log in", "<form method=\"post\" action=\"/login\"><label>User name <input id=\"user\" name=\"user\"></label>"
                + " <button id=\"login\" type=\"submit\">Log in</button></form>");
        }
    }

    // GET /account: who is logged in, read-only (no session lock).
    public sealed class AccountPage : IHttpHandler, IReadOnlySessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            string user = Html.User(context.Session);
            Html.Page(context, "My account", user == null
                ? "<p id=\"user\">not logged in</p>"
                : "<p id=\"user\">Logged in as " + HttpUtility.HtmlEncode(user) + "</p><p><a href=\"/logout\">Log out (legacy)</a></p>");
        }
    }

    // GET /checkout: the cart the Core pages filled, and the /slow counter, read-only.
    public sealed class CheckoutPage : IHttpHandler, IReadOnlySessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            string[] cart = context.Session["Cart"] as string[] ?? new string[0];
            object slow = context.Session["Slow"];
            string items = "";
            foreach (string sku in cart)
            {
                items += "<li class=\"item\">" + HttpUtility.HtmlEncode(sku) + "</li>";
            }

            string user = Html.User(context.Session);
            Html.Page(context, "Checkout", "<p id=\"user\">" + (user == null ? "not logged in" : "Logged in as " + HttpUtility.HtmlEncode(user)) + "</p>"
                + "<p id=\"count\">" + cart.Length.ToString(CultureInfo.InvariantCulture) + " item(s)</p><ul id=\"items\">" + items + "</ul>"
                + "<p id=\"slow\">Slow page finished " + (slow == null ? 0 : (int)slow).ToString(CultureInfo.InvariantCulture) + " time(s)</p>");
        }
    }

    // GET /slow: holds the exclusive session lock for about 2 s (?ms=N to change it), then Session["Slow"] += 1.
    public sealed class SlowPage : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            int ms;
            if (!int.TryParse(context.Request.QueryString["ms"] ?? "2000", NumberStyles.None, CultureInfo.InvariantCulture, out ms) || ms > 30000)
            {
                context.Response.StatusCode = 400;
                Html.Page(context, "Slow", "<p id=\"error\">Pass ?ms=0..30000.</p>");
                return;
            }

            // The exclusive lock is held from before this handler runs until the session is saved after it: the
            // first line is sent at once, so a browser sees the page start while the lock is held.
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Write("<!DOCTYPE html><html><head><title>Slow</title></head><body><p><em>Legacy app (System.Web on Mono)</em></p>"
                + "<p id=\"holding\">Holding the session lock for " + ms.ToString(CultureInfo.InvariantCulture) + " ms…</p>");
            context.Response.Flush();
            Thread.Sleep(ms);
            object current = context.Session["Slow"];
            int count = (current == null ? 0 : (int)current) + 1;
            context.Session["Slow"] = count;
            context.Response.Write("<p id=\"slow\">Held the session for " + ms.ToString(CultureInfo.InvariantCulture)
                + " ms; slow page finished " + count.ToString(CultureInfo.InvariantCulture) + " time(s)</p></body></html>");
        }
    }

    // GET /logout: Session.Abandon(), then to /account.
    public sealed class LogoutPage : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            context.Session.Abandon();
            Html.SeeOther(context, "/account");
        }
    }

    // GET /ping: answers without touching the session (the front door's health check).
    public sealed class PingPage : IHttpHandler
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            context.Response.ContentType = "text/plain";
            context.Response.Write("ok");
        }
    }
}
