using System.Buffers;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer.Tests.Protocol;

public sealed class KeyAndWriterTests
{
    [Fact]
    public void Sha256Scheme_MatchesTheSpecExample()
    {
        // ../spec/state-server-protocol.md §3.3, computed with the 4.8 algorithm.
        var uriBase = StateServerKeys.CreateUriBase("/LM/W3SVC/1/ROOT/MyApp", StateServerKeyScheme.Sha256);
        Assert.Equal("/LM/W3SVC/1/ROOT/MyApp(jQwh9zcbl2NIvRjYbnYfGt0p4v07cVCkTm1eqxRi1UU=)/", uriBase);
        Assert.Equal(
            "%2fLM%2fW3SVC%2f1%2fROOT%2fMyApp(jQwh9zcbl2NIvRjYbnYfGt0p4v07cVCkTm1eqxRi1UU%3d)%2fabcdefghijklmnopqrstuvwx",
            StateServerKeys.CreateRequestTarget(uriBase, "abcdefghijklmnopqrstuvwx"));
    }

    [Fact]
    public void ApplicationIdWithoutLeadingSlash_GetsOne()
    {
        Assert.StartsWith("/LM/W3SVC/1/ROOT/MyApp(", StateServerKeys.CreateUriBase("LM/W3SVC/1/ROOT/MyApp", StateServerKeyScheme.Sha256), StringComparison.Ordinal);
    }

    [Fact]
    public void MachineKeyScheme_HashesUtf16WithTheValidationKey()
    {
        const string Key = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
        var sha1 = StateServerKeys.CreateUriBase("/LM/W3SVC/1/ROOT/MyApp", StateServerKeyScheme.MachineKey, Key, "SHA1");
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(
            Convert.FromHexString(Key), System.Text.Encoding.Unicode.GetBytes("/LM/W3SVC/1/ROOT/MyApp")));
        Assert.Equal("/LM/W3SVC/1/ROOT/MyApp(" + expected + ")/", sha1);
        Assert.Equal(28, expected.Length);
        Assert.NotEqual(sha1, StateServerKeys.CreateUriBase("/LM/W3SVC/1/ROOT/MyApp", StateServerKeyScheme.MachineKey, Key, "HMACSHA256"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("AutoGenerate,IsolateApps")]
    [InlineData("not-hex")]
    public void MachineKeyScheme_WithoutAnExplicitHexKey_SaysWhatToSet(string? key)
    {
        var ex = Assert.Throws<ArgumentException>(() => StateServerKeys.CreateUriBase("/LM/W3SVC/1/ROOT/MyApp", StateServerKeyScheme.MachineKey, key, "SHA1"));
        Assert.Contains("validationKey", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b+c/d=é", "a+b%2bc%2fd%3d%c3%a9")]
    [InlineData("AZaz09-_.!*()", "AZaz09-_.!*()")]
    public void UrlEncode_FollowsHttpUtility(string value, string expected) => Assert.Equal(expected, StateServerKeys.UrlEncode(value));

    [Theory]
    [InlineData("%2fa%2Fb", "/a/b")]
    [InlineData("/a/b", "/a/b")]
    [InlineData("//a/b", "/a/b")]
    [InlineData("a+b", "/a b")]
    [InlineData("%u0041%zz%", "/A%zz%")]
    public void KeyFromTarget_DecodesAsHttpUtility_WithOneLeadingSlash(string target, string key) =>
        Assert.Equal(key, StateServerKeys.KeyFromTarget(target));

    [Fact]
    public void ResponseWriter_OutputParsesBack_WithMicrosoftsHeaderNames()
    {
        var writer = new ArrayBufferWriter<byte>();
        StateServerResponseWriter.Write(writer, new StateServerResponse { Status = 200, Timeout = 20, ActionFlags = true, LockCookie = 2, Body = new byte[] { 1, 2, 3 } }, "4.0.30319"u8);
        StateServerResponseWriter.Write(writer, new StateServerResponse { Status = 423, LockCookie = 5, LockAge = 3, LockDate = 638400000000000000 }, "4.0.30319"u8);
        StateServerResponseWriter.Write(writer, StateServerResponse.BadRequest("bad"), "4.0.30319"u8);
        var sequence = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.Equal(StateServerParseStatus.Complete, StateServerResponseParser.TryParse(ref sequence, StateServerLimits.Default, out var ok, out _, keepHeaders: true));
        Assert.Equal(["Content-Length", "X-AspNet-Version", "Timeout", "ActionFlags", "LockCookie"], ok!.Headers!.Select(h => h.Key));
        Assert.Equal(new byte[] { 1, 2, 3 }, ok.Body.ToArray());
        Assert.Equal(StateServerParseStatus.Complete, StateServerResponseParser.TryParse(ref sequence, StateServerLimits.Default, out var locked, out _, keepHeaders: true));
        Assert.Equal(["Content-Length", "X-AspNet-Version", "LockCookie", "LockAge", "LockDate"], locked!.Headers!.Select(h => h.Key));
        Assert.Equal((5, 3L, 638400000000000000L), (locked.LockCookie!.Value, locked.LockAge!.Value, locked.LockDate!.Value));
        Assert.Equal(StateServerParseStatus.Complete, StateServerResponseParser.TryParse(ref sequence, StateServerLimits.Default, out var bad, out _));
        Assert.Equal((400, "bad"), (bad!.Status, bad.Message));
        Assert.True(sequence.IsEmpty);
    }
}
