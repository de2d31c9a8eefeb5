using System.Text.RegularExpressions;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Diagnostics;

/// <summary>
/// Keeps docs/observability.md in step with the code: every log event id a <c>[LoggerMessage]</c> or <c>new EventId(...)</c>
/// under src/ declares is a row of one of the page's tables, with the same level, and the page lists no id the code
/// does not log; every metric instrument created under src/ is named on the page.
/// </summary>
public sealed partial class ObservabilityDocsTests
{
    [Fact]
    public void EveryLoggedEventId_IsInTheObservabilityPage_WithItsLevel()
    {
        var logged = LoggedEvents(Repository.Root);
        var documented = DocumentedEvents(File.ReadAllText(Path.Combine(Repository.Root, "docs", "observability.md")));

        Assert.NotEmpty(logged);
        var missing = logged.Keys.Except(documented.Keys).Order().ToList();
        Assert.True(missing.Count == 0, "docs/observability.md lists no row for event id(s) " + string.Join(", ", missing.Select(id => $"{id} ({logged[id].Where})")) + "; add them to its tables.");
        var stale = documented.Keys.Except(logged.Keys).Order().ToList();
        Assert.True(stale.Count == 0, "docs/observability.md lists event id(s) " + string.Join(", ", stale) + " that no code under src/ logs; remove or correct the rows.");
        var wrongLevel = logged.Where(e => e.Value.Level is { } level && !string.Equals(documented[e.Key], level, StringComparison.Ordinal))
            .Select(e => $"{e.Key} is {e.Value.Level} in {e.Value.Where}, {documented[e.Key]} on the page").ToList();
        Assert.True(wrongLevel.Count == 0, "docs/observability.md gives the wrong level: " + string.Join("; ", wrongLevel));
    }

    [Fact]
    public void EveryMetricInstrument_IsInTheObservabilityPage()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "observability.md"));
        var instruments = SourceFiles(Repository.Root)
            .SelectMany(file => InstrumentPattern().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(instruments);
        var missing = instruments.Where(name => !page.Contains($"`{name}`", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "docs/observability.md does not name the instrument(s) " + string.Join(", ", missing) + "; add them to its metrics table.");
    }

    [Fact]
    public void Parsers_FindIdsLevelsAndRows()
    {
        const string Source = """
            [LoggerMessage(EventId = 408, EventName = "X", Level = LogLevel.Error,
                Message = "m")]
            [LoggerMessage(510, LogLevel.Information, "State server storage: {Store}")]
            logger.Log(LogLevel.Warning, new EventId(42, "Y"), "z");
            """;
        const string Page = """
            | Id | Level | When |
            |---|---|---|
            | 408 | Error | a |
            | 510 | Information | b |
            Text | 999 | not a row
            """;

        var events = ParseEvents(Source, "test");
        Assert.Equal(["408", "510", "42"], events.Keys);
        Assert.Equal("Error", events["408"].Level);
        Assert.Equal("Information", events["510"].Level);
        Assert.Null(events["42"].Level);
        Assert.Equal(new Dictionary<string, string> { ["408"] = "Error", ["510"] = "Information" }, DocumentedEvents(Page));
    }

    private static Dictionary<string, (string? Level, string Where)> LoggedEvents(string root)
    {
        var events = new Dictionary<string, (string? Level, string Where)>(StringComparer.Ordinal);
        foreach (var file in SourceFiles(root))
        {
            foreach (var (id, value) in ParseEvents(File.ReadAllText(file), Path.GetRelativePath(root, file)))
            {
                Assert.True(events.TryAdd(id, value), $"Event id {id} is declared twice: in {events.GetValueOrDefault(id).Where} and {value.Where}.");
            }
        }

        return events;
    }

    private static Dictionary<string, (string? Level, string Where)> ParseEvents(string source, string where)
    {
        var events = new Dictionary<string, (string? Level, string Where)>(StringComparer.Ordinal);
        foreach (Match match in LoggerMessagePattern().Matches(source))
        {
            var level = LevelPattern().Match(match.Groups["args"].Value);
            events[match.Groups["id"].Value] = (level.Success ? level.Groups["level"].Value : null, where);
        }

        foreach (Match match in EventIdPattern().Matches(source))
        {
            events[match.Groups["id"].Value] = (null, where);
        }

        return events;
    }

    /// <summary>The rows of the page's tables whose first cell is an event id: id → the level in the second cell.</summary>
    private static Dictionary<string, string> DocumentedEvents(string page)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in TableRowPattern().Matches(page))
        {
            Assert.True(rows.TryAdd(match.Groups["id"].Value, match.Groups["level"].Value), $"docs/observability.md lists event id {match.Groups["id"].Value} twice.");
        }

        return rows;
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    [GeneratedRegex(@"\[LoggerMessage\(\s*(?:EventId\s*=\s*)?(?<id>\d+)(?<args>[^\]]*)\]", RegexOptions.Singleline)]
    private static partial Regex LoggerMessagePattern();

    [GeneratedRegex(@"LogLevel\.(?<level>\w+)")]
    private static partial Regex LevelPattern();

    [GeneratedRegex(@"new\s+EventId\(\s*(?<id>\d+)")]
    private static partial Regex EventIdPattern();

    [GeneratedRegex(@"^\|\s*(?<id>\d+)\s*\|\s*(?<level>\w+)\s*\|", RegexOptions.Multiline)]
    private static partial Regex TableRowPattern();

    [GeneratedRegex(@"\.Create(?:Counter|Histogram|UpDownCounter|Gauge|ObservableCounter|ObservableGauge|ObservableUpDownCounter)(?:<[^>]+>)?\(\s*""(?<name>[^""]+)""")]
    private static partial Regex InstrumentPattern();
}
