using System.Collections.ObjectModel;
using System.Xml;
using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>Collects what an import produces: configuration values, warnings and errors, each tied to its setting.</summary>
internal sealed class WebConfigMapping(string file)
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<WebConfigDiagnostic> _warnings = [];
    private readonly List<WebConfigDiagnostic> _errors = [];

    public string File { get; } = file;

    public void Set(string key, string value) => _values[key] = value;

    public bool Has(string key) => _values.ContainsKey(key);

    public void Warning(XObject? at, string setting, string message) => _warnings.Add(Diagnostic(at, setting, message));

    public void Error(XObject? at, string setting, string message) => _errors.Add(Diagnostic(at, setting, message));

    public WebConfigImportResult ToResult() => new(File, new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(_values, StringComparer.OrdinalIgnoreCase)), _warnings.ToArray(), _errors.ToArray());

    private WebConfigDiagnostic Diagnostic(XObject? at, string setting, string message)
    {
        var line = at is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;
        return new WebConfigDiagnostic(at is null ? File : WebConfigDocument.FileOf(at), line, setting, message);
    }
}
