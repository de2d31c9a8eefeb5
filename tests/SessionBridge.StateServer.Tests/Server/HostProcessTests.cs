using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Server;

/// <summary>The runnable host: command line, configuration from the environment, graceful shutdown.</summary>
public sealed class HostProcessTests
{
    [Fact(Timeout = 300_000)]
    public async Task Host_ServesOnThePortFromTheEnvironment_AndStopsGracefullyOnSigterm()
    {
        var port = FreePort();
        using var process = Start([], new() { ["StateServer__Port"] = port.ToString(CultureInfo.InvariantCulture) }, out var output);
        try
        {
            await WaitForAsync(output, "Application started", process);
            await using var connection = await RawConnection.OpenAsync(port);
            await connection.SendAsync(Encoding.ASCII.GetBytes("HEAD %2fa%2fb HTTP/1.1\r\nHost: h\r\n\r\n"), TestContext.Current.CancellationToken);
            var response = await connection.ReadResponseAsync(TestContext.Current.CancellationToken);
            Assert.Equal(404, response!.Status);
            Assert.Equal("4.0.30319", response.AspNetVersion);

            await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(cts.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("State server stopped", Text(output), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Theory(Timeout = 300_000)]
    [InlineData("--port", "abc", "--port needs a whole number")]
    [InlineData("--bogus", "1", "Unknown option '--bogus'")]
    [InlineData("--allow-remote", "not-an-address", "is not an IP address or a CIDR network")]
    [InlineData("--store", "redis", "add --redis <configuration>")]
    [InlineData("--store", "sqlserver", "use 'memory' (the default) or 'redis'")]
    public async Task Host_WithABadSetting_ExitsWithAMessageSayingWhatToFix(string option, string value, string message)
    {
        using var process = Start([option, value, "--port", FreePort().ToString(CultureInfo.InvariantCulture)], [], out var output);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(message, Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ReportEveryBadSetting_WithItsKeyAndOption()
    {
        var options = new StateServerOptions { MaxConnections = 0, IdleTimeout = TimeSpan.Zero, MaxHeadBytes = 10, AllowRemote = ["nowhere"] };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("StateServer:MaxHeadBytes is 10; set at least 256.", error.Message, StringComparison.Ordinal);
        Assert.Contains("StateServer:IdleTimeout (--idle-timeout) is 00:00:00; set a positive time", error.Message, StringComparison.Ordinal);
        Assert.Contains("StateServer:MaxConnections (--max-connections) is 0; set at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("entry 'nowhere' is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_MapsOptionsToConfigurationKeys_AndRepeatsAllowRemote()
    {
        var settings = CommandLine.Parse(["--port", "42425", "--allow-remote", "10.0.0.1", "--allow-remote", "10.1.0.0/16", "--request-timeout", "3"]);
        Assert.Equal("42425", settings["StateServer:Port"]);
        Assert.Equal("10.0.0.1", settings["StateServer:AllowRemote:0"]);
        Assert.Equal("10.1.0.0/16", settings["StateServer:AllowRemote:1"]);
        Assert.Equal("00:00:03", settings["StateServer:RequestTimeout"]);
    }

    [Fact]
    public void RemoteAccessFilter_AllowsLoopbackAndListedNetworksOnly()
    {
        var filter = RemoteAccessFilter.Parse(["10.0.0.5", "192.168.10.0/24", "2001:db8::/32"]);
        Assert.True(filter.IsAllowed(IPAddress.Loopback));
        Assert.True(filter.IsAllowed(IPAddress.IPv6Loopback));
        Assert.True(filter.IsAllowed(IPAddress.Parse("10.0.0.5")));
        Assert.True(filter.IsAllowed(IPAddress.Parse("10.0.0.5").MapToIPv6()));
        Assert.True(filter.IsAllowed(IPAddress.Parse("192.168.10.77")));
        Assert.True(filter.IsAllowed(IPAddress.Parse("2001:db8::1")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("10.0.0.6")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("192.168.11.1")));
        Assert.False(RemoteAccessFilter.Parse([]).IsAllowed(IPAddress.Parse("10.0.0.5")));
        Assert.False(RemoteAccessFilter.Parse([]).AllowsRemote);
    }

    private static Process Start(string[] arguments, Dictionary<string, string> environment, out StringBuilder output)
    {
        var start = new ProcessStartInfo(ProcessRunner.DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionBridge.StateServer.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var text = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = text;
        return process;
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static async Task WaitForAsync(StringBuilder output, string line, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (!Text(output).Contains(line, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, "the host exited: " + Text(output));
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(150), "the host did not start: " + Text(output));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
