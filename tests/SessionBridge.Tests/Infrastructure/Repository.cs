namespace SessionBridge.Tests.Infrastructure;

/// <summary>The repository the tests run from: the folder holding SessionBridge.sln, above the test's output.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (SessionBridge.sln) was not found above " + AppContext.BaseDirectory + "; run the tests from a checkout.");
    }
}
