using System.Xml;
using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// A legacy web.config loaded safely, and its sections as System.Configuration finds them: the application-wide
/// <c>&lt;configuration&gt;</c> children and those of <c>&lt;location&gt;</c> elements without a path (or path "."),
/// following <c>configSource</c> to files beside the web.config.
/// </summary>
/// <remarks>
/// No DTD is processed (<see cref="DtdProcessing.Prohibit"/>), no resolver is set, so no external entity or file is
/// ever fetched by the XML parser, and each file is read only up to <see cref="WebConfigImporter.MaxFileBytes"/>.
/// Element and attribute names are matched by local name, case-sensitively, as System.Configuration does (old
/// web.configs carry the <c>http://schemas.microsoft.com/.NetConfiguration/v2.0</c> namespace).
/// </remarks>
internal sealed class WebConfigDocument
{
    private readonly string _directory;
    private readonly WebConfigMapping _mapping;
    private readonly Dictionary<string, XElement?> _sections = new(StringComparer.Ordinal);

    private WebConfigDocument(string file, XElement root, WebConfigMapping mapping)
    {
        File = file;
        Root = root;
        _directory = Path.GetDirectoryName(file) ?? ".";
        _mapping = mapping;
    }

    public string File { get; }

    public XElement Root { get; }

    /// <summary>Parses the web.config text; a malformed document throws <see cref="WebConfigImportException"/>.</summary>
    public static WebConfigDocument Load(string file, string text, WebConfigMapping mapping)
    {
        var root = Parse(file, text);
        if (root.Name.LocalName != "configuration")
        {
            throw new WebConfigImportException(
                $"The legacy web.config '{file}' is not a .NET configuration file: its root element is <{root.Name.LocalName}>, not <configuration>.");
        }

        return new WebConfigDocument(file, root, mapping);
    }

    /// <summary>
    /// The section at a path such as <c>system.web/sessionState</c>, or null when the web.config does not have it.
    /// A section that appears twice is an error (System.Configuration refuses such a file).
    /// </summary>
    public XElement? Section(string path)
    {
        if (_sections.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var parts = path.Split('/');
        var found = new List<XElement>();
        foreach (var scope in Scopes())
        {
            found.AddRange(Descend(scope, parts));
        }

        XElement? section = null;
        if (found.Count > 1)
        {
            _mapping.Error(found[1], path, $"<{parts[^1]}> appears more than once; System.Configuration allows a section once per file. Keep one.");
        }

        if (found.Count > 0)
        {
            section = FollowConfigSource(found[0], path);
        }

        foreach (var location in Root.Elements().Where(e => e.Name.LocalName == "location" && !IsApplicationWide(e)))
        {
            foreach (var ignored in Descend(location, parts))
            {
                _mapping.Warning(ignored, path, $"<location path=\"{(string?)location.Attribute("path")}\"> sets <{parts[^1]}> for part of the application only; it is not imported. SessionBridge takes one setting for the whole application.");
            }
        }

        _sections[path] = section;
        return section;
    }

    /// <summary>The file an element was read from (the web.config or a configSource file).</summary>
    public static string FileOf(XObject node) => node.Document?.Annotation<SourceFile>()?.Path ?? "web.config";

    /// <summary>Parses one file safely; malformed XML throws <see cref="WebConfigImportException"/>.</summary>
    public static XElement Parse(string file, string text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = WebConfigImporter.MaxFileBytes,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };

        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            var document = XDocument.Load(reader, LoadOptions.SetLineInfo);
            document.AddAnnotation(new SourceFile(file));
            return document.Root ?? throw new WebConfigImportException($"The legacy web.config '{file}' has no root element.");
        }
        catch (XmlException ex)
        {
            throw new WebConfigImportException(
                $"The legacy web.config '{file}' is not well-formed XML (line {ex.LineNumber}, position {ex.LinePosition}): {MessageText.Sentence(ex.Message)} Fix the file; System.Web would refuse it too.", ex);
        }
    }

    private IEnumerable<XElement> Scopes()
    {
        yield return Root;
        foreach (var location in Root.Elements().Where(e => e.Name.LocalName == "location" && IsApplicationWide(e)))
        {
            yield return location;
        }
    }

    private static bool IsApplicationWide(XElement location) => (string?)location.Attribute("path") is null or "" or ".";

    private static IEnumerable<XElement> Descend(XElement scope, string[] parts)
    {
        IEnumerable<XElement> current = [scope];
        foreach (var part in parts)
        {
            current = current.SelectMany(e => e.Elements().Where(c => c.Name.LocalName == part));
        }

        return current;
    }

    private XElement FollowConfigSource(XElement section, string path)
    {
        if ((string?)section.Attribute("configSource") is not { Length: > 0 } source)
        {
            return section;
        }

        var full = ResolveBeside(section, path + "/@configSource", source);
        if (full is null)
        {
            return section;
        }

        var text = WebConfigImporter.ReadBounded(full);
        var root = Parse(full, text);
        if (root.Name.LocalName != section.Name.LocalName)
        {
            _mapping.Error(root, path, $"the configSource file '{source}' holds <{root.Name.LocalName}>, not <{section.Name.LocalName}>; System.Configuration refuses it.");
            return section;
        }

        return root;
    }

    /// <summary>A file named by configSource or appSettings/@file: relative, inside the web.config's directory.</summary>
    public string? ResolveBeside(XElement element, string setting, string relative)
    {
        if (Path.IsPathRooted(relative) || relative.Contains(':', StringComparison.Ordinal))
        {
            _mapping.Error(element, setting, $"'{relative}' must be a path relative to the web.config, as System.Configuration requires.");
            return null;
        }

        var directory = Path.GetFullPath(_directory);
        var full = Path.GetFullPath(Path.Combine(directory, relative.Replace('\\', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(directory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            _mapping.Error(element, setting, $"'{relative}' points outside the web.config's directory; System.Configuration requires a file beside or below it.");
            return null;
        }

        return full;
    }

    private sealed record SourceFile(string Path);
}
