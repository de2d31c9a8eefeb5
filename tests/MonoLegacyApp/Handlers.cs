// A small System.Web application for the Mono end-to-end tests, compiled with Mono's mcs:
//   mcs -target:library -out:bin/MonoLegacyApp.dll -r:System.Web.dll Handlers.cs
// and hosted by fastcgi-mono-server4 behind nginx on loopback, in StateServer mode (web.config).
using System;
using System.Globalization;
using System.Threading;
using System.Web;
using System.Web.SessionState;

namespace LegacyApp.Models
{
    [Serializable]
    public class Profile
    {
        public string Name;
        public int Visits;
    }
}

namespace MonoLegacyApp
{
    // POST /increment: Session["Count"] = (int)(Session["Count"] ?? 0) + 1; answers the new count.
    public sealed class IncrementHandler : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            object current = context.Session["Count"];
            int count = (current == null ? 0 : (int)current) + 1;
            context.Session["Count"] = count;
            context.Response.ContentType = "text/plain";
            context.Response.Write(count.ToString(CultureInfo.InvariantCulture) + " " + context.Session.SessionID);
        }
    }

    // GET /read?key=K: the value's type and invariant text, read-only (no lock taken).
    public sealed class ReadHandler : IHttpHandler, IReadOnlySessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            string key = context.Request.QueryString["key"];
            object value = context.Session[key];
            context.Response.ContentType = "text/plain";
            if (value == null)
            {
                context.Response.Write("null");
                return;
            }

            LegacyApp.Models.Profile profile = value as LegacyApp.Models.Profile;
            string text = profile != null
                ? profile.Name + "|" + profile.Visits.ToString(CultureInfo.InvariantCulture)
                : value is DateTime ? ((DateTime)value).Ticks.ToString(CultureInfo.InvariantCulture)
                : Convert.ToString(value, CultureInfo.InvariantCulture);
            context.Response.Write(value.GetType().FullName + ":" + text);
        }
    }

    // POST /set: stores int, string, DateTime (ticks), decimal, Guid and a [Serializable] Profile.
    public sealed class SetHandler : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            context.Session["MonoInt"] = 7;
            context.Session["MonoString"] = "from mono";
            context.Session["MonoDate"] = new DateTime(638000000000000000L, DateTimeKind.Utc);
            context.Session["MonoDecimal"] = 12.50m;
            context.Session["MonoGuid"] = new Guid("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
            LegacyApp.Models.Profile profile = new LegacyApp.Models.Profile();
            profile.Name = "Ann";
            profile.Visits = 3;
            context.Session["MonoProfile"] = profile;
            context.Response.Write("ok " + context.Session.SessionID);
        }
    }

    // GET /slow?ms=N: holds the session lock for N ms.
    public sealed class SlowHandler : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            Thread.Sleep(int.Parse(context.Request.QueryString["ms"], CultureInfo.InvariantCulture));
            context.Response.Write("slept");
        }
    }

    // POST /abandon: Session.Abandon().
    public sealed class AbandonHandler : IHttpHandler, IRequiresSessionState
    {
        public bool IsReusable { get { return true; } }

        public void ProcessRequest(HttpContext context)
        {
            context.Session.Abandon();
            context.Response.Write("abandoned");
        }
    }
}
