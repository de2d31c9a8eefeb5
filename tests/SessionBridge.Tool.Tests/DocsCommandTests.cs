using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SessionBridge.Tool.Tests;

/// <summary>
/// Every <c>```sh</c> block in README.md and docs/ that runs the tool is run as written, in bash, against this build
/// of the tool: a command a reader copies must work. Synopses with placeholders are fenced as <c>```text</c> (or
/// without a language) and are not run.
/// </summary>
public sealed partial class DocsCommandTests
{
    private const string RunFromSource = "dotnet run --project src/SessionBridge.Tool --";

    private static readonly string s_repository = FindRepository();

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, index, _) in ToolBlocks())
        {
            data.Add(file, index);
        }

        return data;
    }

    [Fact]
    public void TheDocsHaveRunnableToolCommands()
    {
        // decode/encode and config import in tool.md, the Mono dialect in mono.md, a login cookie in shared-login.md.
        var files = ToolBlocks().Select(b => b.File).Distinct().ToArray();
        Assert.Contains("docs/tool.md", files);
        Assert.Contains("docs/mono.md", files);
        Assert.Contains("docs/shared-login.md", files);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task TheBlockRunsAsWritten(string file, int index)
    {
        var script = ToolBlocks().Single(b => b.File == file && b.Index == index).Script;
        var tool = Path.Combine(AppContext.BaseDirectory, "SessionBridge.Tool.dll");
        Assert.True(File.Exists(tool), "The tool was not built next to the tests: " + tool);

        // Run in a scratch directory that sees the repository's docs/ (the examples) and nothing else to write into.
        var scratch = Directory.CreateTempSubdirectory("sessionbridge-docs-");
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(scratch.FullName, "docs"), Path.Combine(s_repository, "docs"));
            var prelude = $"set -euo pipefail\nsessionbridge() {{ dotnet '{tool}' \"$@\"; }}\n";
            var start = new ProcessStartInfo("bash")
            {
                WorkingDirectory = scratch.FullName,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            process.StandardInput.Write(prelude + script.Replace(RunFromSource, "sessionbridge", StringComparison.Ordinal));
            process.StandardInput.Close();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} block {index} did not finish within 2 minutes.");
            }

            var (output, errors) = (await stdout, await stderr);
            Assert.True(process.ExitCode == 0, $"{file} block {index} exited with {process.ExitCode}:\n{script}\n{errors}");
            Assert.False(string.IsNullOrWhiteSpace(output), $"{file} block {index} printed nothing.");
            Assert.DoesNotContain("sessionbridge: error", errors, StringComparison.Ordinal);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static IEnumerable<(string File, int Index, string Script)> ToolBlocks()
    {
        var files = new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(s_repository, "docs"), "*.md")
            .Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var index = 0;
            foreach (Match block in ShellBlock().Matches(File.ReadAllText(Path.Combine(s_repository, file))))
            {
                var script = block.Groups["body"].Value;
                if (script.Contains(RunFromSource, StringComparison.Ordinal) || ToolLine().IsMatch(script))
                {
                    yield return (file, index, script);
                }

                index++;
            }
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

    [GeneratedRegex(@"^```(?:sh|bash)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"(^|\|\s*|\$\(\s*)sessionbridge\s", RegexOptions.Multiline)]
    private static partial Regex ToolLine();
}
