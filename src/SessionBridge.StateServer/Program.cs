using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionBridge.StateServer;

const string Usage = """
    SessionBridge state server: an [MS-ASP] state server (aspnet_state.exe replacement) that also speaks Mono's
    .NET Remoting state protocol on the same port (asp-state4.exe replacement).

    Usage: SessionBridge.StateServer [--port 42424] [--allow-remote <address-or-cidr>]...
                                     [--store memory|redis] [--redis <configuration>]
                                     [--max-connections N] [--mono-key-prefix <prefix>]
                                     [--aspnet-version 4.0.30319] [--max-body-bytes N]
                                     [--request-timeout <seconds>] [--idle-timeout <seconds>]

    --store redis keeps items of both protocols in Redis (e.g. --redis 127.0.0.1:6379), so a restart loses nothing.
    Loopback only unless --allow-remote is given. Settings also bind from configuration and the environment,
    e.g. StateServer__Port=42424, StateServer__AllowRemote__0=10.0.0.0/24, StateServer__Store=redis,
    StateServer__Redis=127.0.0.1:6379.
    """;

Dictionary<string, string?> settings;
try
{
    settings = CommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + Usage);
    return 2;
}

if (settings.ContainsKey("help"))
{
    Console.WriteLine(Usage);
    return 0;
}

var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddInMemoryCollection(settings);
builder.Services.AddOptions<StateServerOptions>()
    .Bind(builder.Configuration.GetSection(StateServerOptions.SectionName))
    .Validate(o =>
    {
        o.Validate();
        return true;
    })
    .ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<StateServerHostedService>();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

try
{
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException or System.Net.Sockets.SocketException)
{
    await Console.Error.WriteLineAsync("state server: " + ex.Message);
    return 1;
}
