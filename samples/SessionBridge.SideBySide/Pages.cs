using System.Globalization;
using System.Net;
using System.Text;

namespace SessionBridge.SideBySide;

/// <summary>
/// The migrated pages. They read and write the legacy app's own session values: <c>Session["User"]</c> (the user
/// name the legacy /login stores) and <c>Session["Cart"]</c> (a <c>string[]</c> of SKUs the legacy /checkout lists).
/// </summary>
internal static class Pages
{
    private static readonly Dictionary<string, (string Name, decimal Price)> Products = new(StringComparer.Ordinal)
    {
        ["SKU-1"] = ("Blue mug", 9.90m),
        ["SKU-2"] = ("Teapot", 24.50m),
        ["SKU-3"] = ("Tea towel", 5.00m),
    };

    public static IResult Product(HttpContext context, string sku)
    {
        if (!Products.TryGetValue(sku, out var product))
        {
            return Page(context, "Not found", $"<p id=\"error\">There is no product {Encode(sku)}.</p>", StatusCodes.Status404NotFound);
        }

        return Page(context, product.Name,
            $"<p id=\"price\">{product.Price.ToString("0.00", CultureInfo.InvariantCulture)}</p>" +
            $"<form method=\"post\" action=\"/cart/add\"><input type=\"hidden\" name=\"sku\" value=\"{Encode(sku)}\">" +
            "<button id=\"add\" type=\"submit\">Add to cart</button></form>");
    }

    public static IResult Cart(HttpContext context)
    {
        var items = new StringBuilder();
        foreach (var sku in CartOf(context.GetLegacySession()))
        {
            items.Append("<li class=\"item\">").Append(Encode(sku)).Append(" · ").Append(Encode(Products.TryGetValue(sku, out var p) ? p.Name : "?")).Append("</li>");
        }

        return Page(context, "Cart", $"<ul id=\"items\">{items}</ul><p><a id=\"checkout\" href=\"/checkout\">Check out (legacy page)</a></p>");
    }

    // POST /cart/add (form field sku): appends to Session["Cart"] under the session's exclusive lock, as a System.Web
    // page with IRequiresSessionState would, so a legacy request holding the lock is waited for, not overwritten.
    public static async Task<IResult> AddToCart(HttpContext context, CancellationToken cancellationToken)
    {
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var sku = form["sku"].ToString();
        if (!Products.ContainsKey(sku))
        {
            return Page(context, "Cart", $"<p id=\"error\">Pass a form field sku with one of: {string.Join(", ", Products.Keys)}.</p>", StatusCodes.Status400BadRequest);
        }

        var session = context.GetLegacySession();
        session["Cart"] = (string[])[.. CartOf(session), sku];
        return Results.Redirect("/cart", permanent: false, preserveMethod: false);
    }

    // POST /logout: abandons the session, as the legacy /logout does; the legacy pages then show "not logged in".
    public static IResult Logout(HttpContext context)
    {
        context.GetLegacySession().Abandon();
        return Results.Redirect("/account");
    }

    private static string[] CartOf(ILegacySessionState session) => session["Cart"] as string[] ?? [];

    private static IResult Page(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        var user = context.GetLegacySession()["User"] as string;
        var html = $"""
            <!DOCTYPE html><html><head><title>{Encode(title)}</title></head><body>
            <p><em>Migrated app (ASP.NET Core)</em> · <a href="/products/SKU-1">Product</a> · <a href="/cart">Cart</a>
            · <a href="/checkout">Checkout</a> · <a href="/account">My account</a> · <a href="/login">Log in</a></p>
            <p id="user">{(user is null ? "not logged in" : "Logged in as " + Encode(user))}</p>
            <form method="post" action="/logout"><button id="logout" type="submit">Log out</button></form>
            <h1>{Encode(title)}</h1>{body}
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
