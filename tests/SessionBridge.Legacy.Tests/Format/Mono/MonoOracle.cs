using System.Diagnostics;
using System.Text;

namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary>
/// Runs the oracle of tests/MonoOracle under real Mono: Mono's own System.Web <c>SessionStateItemCollection</c>
/// writes and reads the collections. The sources are compiled with Mono's <c>mcs</c> once per test run.
/// </summary>
/// <remarks>A machine without Mono fails these tests with the command that installs it; they are never skipped.</remarks>
internal static class MonoOracle
{
    private static readonly Lazy<string> s_directory = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => s_directory.Value;

    /// <summary>Mono's Serialize output for the oracle's sample items.</summary>
    public static byte[] WriteSample(bool gzip)
    {
        var file = TempFile();
        Run("SessionOracle.exe", "write", file, gzip ? "gzip" : "plain");
        return ReadAndDelete(file);
    }

    /// <summary>What Mono's Deserialize reads from the bytes: one "key\ttype\tvalue" line per item.</summary>
    public static string[] Read(byte[] collectionData, bool gzip)
    {
        var file = TempFile();
        File.WriteAllBytes(file, collectionData);
        try
        {
            var output = Run("SessionOracle.exe", "read", file, gzip ? "gzip" : "plain");
            return Encoding.UTF8.GetString(Convert.FromBase64String(output.Trim())).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Mono reads the bytes, sets Count = Count + 1 and writes the collection back.</summary>
    public static byte[] IncrementCount(byte[] collectionData)
    {
        var input = TempFile();
        var output = TempFile();
        File.WriteAllBytes(input, collectionData);
        try
        {
            Run("SessionOracle.exe", "rewrite", input, output);
            return ReadAndDelete(output);
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static string TempFile() => Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".bin");

    private static byte[] ReadAndDelete(string file)
    {
        var bytes = File.ReadAllBytes(file);
        File.Delete(file);
        return bytes;
    }

    private static string Build()
    {
        var sources = Path.Combine(AppContext.BaseDirectory, "MonoOracle");
        var directory = Path.Combine(Path.GetTempPath(), "sessionbridge-mono-oracle-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(directory);
        Exec(directory, "mcs", "-nologo", "-target:library", "-out:LegacyApp.dll", Path.Combine(sources, "LegacyApp.cs"));
        Exec(directory, "mcs", "-nologo", "-out:SessionOracle.exe", "-r:System.Web.dll", "-r:LegacyApp.dll", Path.Combine(sources, "SessionOracle.cs"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return directory;
    }

    private static string Run(string exe, params string[] args) => Exec(Directory, "mono", [Path.Combine(Directory, exe), .. args]);

    private static string Exec(string directory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"'{program}' is not installed; the Mono oracle tests need real Mono: apt-get install mono-complete.", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within two minutes.");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
            }

            return stdout.Result;
        }
    }
}
