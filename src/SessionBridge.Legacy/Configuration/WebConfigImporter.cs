using System.Text;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// Reads a legacy ASP.NET application's web.config and says how SessionBridge must be configured to share its
/// sessions and logins: <c>&lt;sessionState&gt;</c> (with the Redis provider's <c>&lt;add&gt;</c> attributes),
/// <c>&lt;machineKey&gt;</c>, <c>&lt;httpRuntime&gt;</c>, <c>&lt;httpCookies&gt;</c>, <c>&lt;authentication&gt;&lt;forms&gt;</c>, the
/// <c>&lt;appSettings&gt;</c> switches that change session or login behaviour and the <c>&lt;connectionStrings&gt;</c>
/// they reference, as configuration keys (<c>LegacySession:…</c>, <c>LegacyAuthentication:…</c>), warnings and errors.
/// </summary>
/// <remarks>
/// The file is only read: no DTD is processed, no external entity or URL is ever resolved, and each file (the
/// web.config and any <c>configSource</c> file beside it) may be at most <see cref="MaxFileBytes"/> bytes. Settings
/// only System.Web's machine-wide files hold (machine.config, the root web.config) are not seen; warnings say where
/// that matters. Run it on the web.config as deployed (after Web.Release.config transforms).
/// </remarks>
public static class WebConfigImporter
{
    /// <summary>The largest file read: 4 MiB (real web.configs are a few kilobytes).</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Imports a web.config file.</summary>
    /// <param name="path">The web.config's path.</param>
    /// <param name="options">What the web.config does not say (the legacy platform); defaults when null.</param>
    /// <returns>The configuration values, warnings and errors. Errors do not throw: the caller decides.</returns>
    /// <exception cref="WebConfigImportException">The file cannot be read, is too large or is not well-formed XML.</exception>
    public static WebConfigImportResult Import(string path, WebConfigImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        return Import(full, ReadBounded(full), options);
    }

    /// <summary>Imports web.config text; <paramref name="file"/> names it in messages and anchors configSource paths.</summary>
    internal static WebConfigImportResult Import(string file, string text, WebConfigImportOptions? options)
    {
        var platform = options?.Platform ?? LegacyPlatform.SystemWeb;
        if (!Enum.IsDefined(platform))
        {
            throw new ArgumentOutOfRangeException(nameof(options), platform, "The legacy platform must be SystemWeb or Mono.");
        }

        var mapping = new WebConfigMapping(file);
        var document = WebConfigDocument.Load(file, text, mapping);
        var settings = WebConfigSettings.Read(document, mapping);
        var targetFramework = HttpRuntimeMapper.Map(document, mapping);
        var cookieDomain = HttpCookiesMapper.Map(document, mapping);
        SessionStateMapper.Map(document, settings, mapping, platform);
        AppSettingsMapper.Map(settings, targetFramework, mapping);
        var compatibilityMode = MachineKeyMapper.Map(document, targetFramework, FormsAuthenticationMapper.IsForms(document), mapping);
        FormsAuthenticationMapper.Map(document, cookieDomain, compatibilityMode, mapping);
        return mapping.ToResult();
    }

    /// <summary>Reads a whole file of at most <see cref="MaxFileBytes"/> bytes, or throws <see cref="WebConfigImportException"/>.</summary>
    internal static string ReadBounded(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.CanSeek && stream.Length > MaxFileBytes)
            {
                throw new WebConfigImportException($"The legacy web.config '{path}' is larger than {MaxFileBytes} bytes; that is not a configuration file.");
            }

            var bytes = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, MaxFileBytes) : 16 * 1024);
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (bytes.Length + read > MaxFileBytes)
                {
                    throw new WebConfigImportException($"The legacy web.config '{path}' is larger than {MaxFileBytes} bytes; that is not a configuration file.");
                }

                bytes.Write(chunk, 0, read);
            }

            bytes.Position = 0;
            // XmlReader would honour the declared encoding; web.configs are UTF-8 (with or without BOM) or UTF-16 with a BOM.
            using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new WebConfigImportException($"The legacy web.config '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}
