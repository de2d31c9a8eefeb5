using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionBridge.Authentication;
using SessionBridge.Authentication.Forms;
using SessionBridge.Authentication.Owin;
using SessionBridge.Authentication.Session;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the legacy application's login as ASP.NET Core authentication schemes: its FormsAuthentication cookie, its
/// OWIN / ASP.NET Identity cookie, and the user kept in its session.
/// </summary>
public static class LegacyAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the legacy <c>.ASPXAUTH</c> cookie as scheme <see cref="LegacyAuthenticationDefaults.FormsScheme"/>, bound from
    /// <paramref name="legacyAuthentication"/> (the <c>LegacyAuthentication</c> section: <c>MachineKey</c> and <c>Forms</c>).
    /// </summary>
    public static AuthenticationBuilder AddLegacyFormsAuthentication(this AuthenticationBuilder builder, IConfiguration legacyAuthentication,
        Action<LegacyFormsAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(legacyAuthentication);
        return builder.AddLegacyFormsAuthentication(LegacyAuthenticationDefaults.FormsScheme, o =>
        {
            legacyAuthentication.GetSection("Forms").Bind(o);
            legacyAuthentication.GetSection("MachineKey").Bind(o.MachineKey);
            configure?.Invoke(o);
        });
    }

    /// <summary>Adds the legacy <c>.ASPXAUTH</c> cookie as scheme <see cref="LegacyAuthenticationDefaults.FormsScheme"/>.</summary>
    public static AuthenticationBuilder AddLegacyFormsAuthentication(this AuthenticationBuilder builder, Action<LegacyFormsAuthenticationOptions> configure) =>
        builder.AddLegacyFormsAuthentication(LegacyAuthenticationDefaults.FormsScheme, configure);

    /// <summary>Adds the legacy <c>.ASPXAUTH</c> cookie as scheme <paramref name="authenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddLegacyFormsAuthentication(this AuthenticationBuilder builder, string authenticationScheme, Action<LegacyFormsAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LegacyFormsAuthenticationOptions>, LegacyFormsAuthenticationOptionsSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LegacyFormsAuthenticationOptions>, LegacyFormsAuthenticationOptionsSetup>());
        builder.Services.AddOptions<LegacyFormsAuthenticationOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<LegacyFormsAuthenticationOptions, LegacyFormsAuthenticationHandler>(authenticationScheme, "Legacy forms authentication", configure);
    }

    /// <summary>
    /// Adds the legacy OWIN cookie as scheme <see cref="LegacyAuthenticationDefaults.OwinCookieScheme"/>, bound from
    /// <paramref name="legacyAuthentication"/> (the <c>LegacyAuthentication</c> section: <c>MachineKey</c> and <c>Owin</c>).
    /// </summary>
    public static AuthenticationBuilder AddLegacyOwinCookieAuthentication(this AuthenticationBuilder builder, IConfiguration legacyAuthentication,
        Action<LegacyOwinCookieAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(legacyAuthentication);
        return builder.AddLegacyOwinCookieAuthentication(LegacyAuthenticationDefaults.OwinCookieScheme, o =>
        {
            legacyAuthentication.GetSection("Owin").Bind(o);
            legacyAuthentication.GetSection("MachineKey").Bind(o.MachineKey);
            configure?.Invoke(o);
        });
    }

    /// <summary>Adds the legacy OWIN cookie as scheme <see cref="LegacyAuthenticationDefaults.OwinCookieScheme"/>.</summary>
    public static AuthenticationBuilder AddLegacyOwinCookieAuthentication(this AuthenticationBuilder builder, Action<LegacyOwinCookieAuthenticationOptions> configure) =>
        builder.AddLegacyOwinCookieAuthentication(LegacyAuthenticationDefaults.OwinCookieScheme, configure);

    /// <summary>Adds the legacy OWIN cookie as scheme <paramref name="authenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddLegacyOwinCookieAuthentication(this AuthenticationBuilder builder, string authenticationScheme, Action<LegacyOwinCookieAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LegacyOwinCookieAuthenticationOptions>, LegacyOwinCookieAuthenticationOptionsSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LegacyOwinCookieAuthenticationOptions>, LegacyOwinCookieAuthenticationOptionsSetup>());
        builder.Services.AddOptions<LegacyOwinCookieAuthenticationOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<LegacyOwinCookieAuthenticationOptions, LegacyOwinCookieAuthenticationHandler>(authenticationScheme, "Legacy OWIN cookie", configure);
    }

    /// <summary>
    /// Adds the user kept in the legacy session as scheme <see cref="LegacyAuthenticationDefaults.SessionScheme"/>, bound
    /// from <paramref name="legacyAuthentication"/> (the <c>LegacyAuthentication</c> section: <c>Session</c>).
    /// </summary>
    public static AuthenticationBuilder AddLegacySessionAuthentication(this AuthenticationBuilder builder, IConfiguration legacyAuthentication,
        Action<LegacySessionAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(legacyAuthentication);
        return builder.AddLegacySessionAuthentication(LegacyAuthenticationDefaults.SessionScheme, o =>
        {
            legacyAuthentication.GetSection("Session").Bind(o);
            configure?.Invoke(o);
        });
    }

    /// <summary>Adds the user kept in the legacy session as scheme <see cref="LegacyAuthenticationDefaults.SessionScheme"/>.</summary>
    public static AuthenticationBuilder AddLegacySessionAuthentication(this AuthenticationBuilder builder, Action<LegacySessionAuthenticationOptions> configure) =>
        builder.AddLegacySessionAuthentication(LegacyAuthenticationDefaults.SessionScheme, configure);

    /// <summary>Adds the user kept in the legacy session as scheme <paramref name="authenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddLegacySessionAuthentication(this AuthenticationBuilder builder, string authenticationScheme, Action<LegacySessionAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddScheme<LegacySessionAuthenticationOptions, LegacySessionAuthenticationHandler>(authenticationScheme, "Legacy session identity", configure);
    }
}
