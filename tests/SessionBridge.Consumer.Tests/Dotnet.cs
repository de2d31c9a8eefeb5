using System.Diagnostics;
using System.Text;

namespace SessionBridge.Consumer.Tests;

/// <summary>Runs the real <c>dotnet</c> CLI.</summary>
internal static class Dotnet
{
    /// <summary>Runs a command to completion (at most 10 minutes) and fails with its output when it fails.</summary>
    public static void Run(string workingDirectory, params string[] arguments)
    {
        var output = new StringBuilder();
        using var process = Start(workingDirectory, output, arguments);
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within 10 minutes.\n{output}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed with {process.ExitCode}.\n{output}");
    }

    /// <summary>Starts <c>dotnet</c> with its output collected into <paramref name="output"/>.</summary>
    public static Process Start(string workingDirectory, StringBuilder output, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The apps are built and run as a user's would be, not as part of this test run's build.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends SIGTERM, as systemd or a container runtime would.</summary>
    public static void Terminate(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
