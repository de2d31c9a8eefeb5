namespace SessionBridge.Consumer.Tests;

/// <summary>
/// Packs every packable project of a copy of the repository (so the solution's own build outputs are never touched
/// while other test projects run) into a folder feed, with a version of its own so no package cached by an earlier run
/// is used.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    private static readonly string[] s_packable =
    [
        "src/SessionBridge.Legacy",
        "src/SessionBridge",
        "src/SessionBridge.Redis",
        "src/SessionBridge.StateServer.Client",
        "src/SessionBridge.SqlServer",
        "src/SessionBridge.Authentication",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("sessionbridge-consumer-").FullName;

    public PackedFeed()
    {
        Version = "0.1.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        Feed = Path.Combine(_root, "feed");
        Repository = FindRepository();
        var repository = Repository;
        var copy = Path.Combine(_root, "repo");
        Directory.CreateDirectory(copy);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "LICENSE", ".editorconfig" })
        {
            File.Copy(Path.Combine(repository, file), Path.Combine(copy, file));
        }

        foreach (var project in s_packable)
        {
            CopyDirectory(Path.Combine(repository, project), Path.Combine(copy, project));
        }

        foreach (var project in s_packable)
        {
            Dotnet.Run(copy, "pack", project, "-c", "Release", "--nologo", "-o", Feed, $"-p:Version={Version}");
        }
    }

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; }

    /// <summary>The folder feed.</summary>
    public string Feed { get; }

    /// <summary>The repository the packages were packed from (the folder holding SessionBridge.sln).</summary>
    public string Repository { get; }

    /// <summary>
    /// Lays out one of the test's apps in a folder of its own, with a NuGet.config that adds the feed; its Program.cs is
    /// <paramref name="program"/> when given, else the one under Apps/<paramref name="name"/>.
    /// </summary>
    public string CreateApp(string name, string? program = null)
    {
        var directory = Path.Combine(_root, "apps", name);
        Directory.CreateDirectory(directory);
        var source = Path.Combine(AppContext.BaseDirectory, "Apps", name);
        if (program is null)
        {
            File.Copy(Path.Combine(source, "Program.cs"), Path.Combine(directory, "Program.cs"));
        }
        else
        {
            File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        }

        File.WriteAllText(
            Path.Combine(directory, name + ".csproj"),
            File.ReadAllText(Path.Combine(source, name + ".csproj.template")).Replace("$SESSIONBRIDGE_VERSION$", Version, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sessionbridge-test-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return directory;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (SessionBridge.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyDirectory(directory, Path.Combine(to, name));
            }
        }
    }
}
