using SessionBridge.SqlServer.Tests.Infrastructure;
using static SessionBridge.SqlServer.Tests.Infrastructure.StoreUnderTest;

namespace SessionBridge.SqlServer.Tests.Store;

/// <summary>The 8-hex-digit application suffix of every row key (../spec/sqlserver-mode.md §4.3, §4.7).</summary>
public sealed class SuffixTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/LM/W3SVC/1/ROOT/MyApp", 1701170859, "6565ceab")]
    [InlineData("/lm/w3svc/1/root", 538231025, "2014c0f1")]
    public async Task KnownApplicationIds_GetTheSpecsSuffix(string applicationId, int appId, string suffix)
    {
        var t = new StoreUnderTest(o => o.ApplicationId = applicationId);
        await t.Store.ResetItemTimeoutAsync(SessionId, Ct);

        Assert.Equal(appId, t.Database.Applications[applicationId.ToLowerInvariant()]);
        Assert.Equal(suffix, t.Store.Suffix);
        Assert.Equal(SessionId + suffix, t.Database.Commands[^1].Parameters["@id"].Value);
    }

    [Fact]
    public async Task AppIdInTheApplicationsTable_IsAuthoritative_AndNegativeIdsAreTwosComplement()
    {
        var t = new StoreUnderTest();
        t.Database.Applications["/lm/w3svc/1/root/myapp"] = -5;
        await t.Store.ResetItemTimeoutAsync(SessionId, Ct);
        Assert.Equal("fffffffb", t.Store.Suffix);
    }

    [Fact]
    public void TheProceduresSixteenBitArithmetic_EqualsThe32BitFormula()
    {
        var random = new Random(15);
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 60)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(32, 127);
            }

            var input = new string(chars);
            var expected = 5381;
            foreach (var c in input)
            {
                expected = unchecked(((expected << 5) + expected) ^ c);
            }

            Assert.Equal(expected, FakeAspStateDatabase.GetHashCodeProcedure(input));
        }
    }

    [Fact]
    public void NetFrameworkHashes_OfTheEmptyString_AreTheKnownFrameworkValues()
    {
        // "".GetHashCode() on .NET Framework 4.x: 371857150 in a 64-bit process, 757602046 in a 32-bit one (the seeds
        // 5381 and (5381 << 16) + 5381 of the reference source); the deterministic hash keeps the 32-bit seed.
        Assert.Equal(371857150, ApplicationSuffix.NetFramework64BitHash(string.Empty));
        Assert.Equal(757602046, ApplicationSuffix.NetFramework32BitHash(string.Empty));
        Assert.Equal(757602046, ApplicationSuffix.DeterministicHash(string.Empty));
        Assert.Equal("162A16FE", ApplicationSuffix.ForAsyncProvider(string.Empty, AsyncProviderSuffixHash.NetFramework64Bit));
    }

    [Fact]
    public void AsyncProviderHashes_AreCaseSensitive_AndDifferByVariant()
    {
        const string id = "/LM/W3SVC/1/ROOT/MyApp";
        var variants = Enum.GetValues<AsyncProviderSuffixHash>().Select(h => ApplicationSuffix.ForAsyncProvider(id, h)).ToList();
        Assert.Equal(3, variants.Distinct().Count());
        Assert.All(variants, s => Assert.Matches("^[0-9A-F]{8}$", s));
        Assert.NotEqual(ApplicationSuffix.ForAsyncProvider(id.ToLowerInvariant(), AsyncProviderSuffixHash.Deterministic), variants[2]);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    public void DeterministicHash_AndThe32BitHash_DifferOnlyInHowTheyReadCharacters(string value)
    {
        // Same seed, different loops: equal only for the empty string.
        Assert.NotEqual(ApplicationSuffix.NetFramework32BitHash(value), ApplicationSuffix.DeterministicHash(value));
    }

    [Fact]
    public async Task AsyncProvider_DoesNotAppendItsSuffixTwice()
    {
        var t = new StoreUnderTest(o => { o.Compatibility = SqlServerCompatibility.AsyncProviderSqlServer; o.ApplicationId = null; o.Suffix = "12345012"; });
        await t.Store.ResetItemTimeoutAsync("abcdefghijklmnop12345012", Ct);
        Assert.Equal("abcdefghijklmnop12345012", t.Database.Commands[^1].Parameters["@SessionId"].Value);
        await t.Store.ResetItemTimeoutAsync(SessionId, Ct);
        Assert.Equal(SessionId + "12345012", t.Database.Commands[^1].Parameters["@SessionId"].Value);
    }

    [Fact]
    public async Task HashCollisionInTempGetAppId_IsStoreUnavailable_WithTheServersMessage()
    {
        var t = new StoreUnderTest();
        t.Database.Applications["/lm/w3svc/9/root/other"] = FakeAspStateDatabase.GetHashCodeProcedure("/lm/w3svc/1/root/myapp");
        var ex = await Assert.ThrowsAsync<Legacy.Stores.SessionStoreUnavailableException>(async () => await t.Store.ResetItemTimeoutAsync(SessionId, Ct));
        Assert.Contains("hash-code collision", ex.Message, StringComparison.Ordinal);

        // Nothing is cached: once the collision is resolved, the store starts.
        t.Database.Applications.Remove("/lm/w3svc/9/root/other");
        await t.Store.ResetItemTimeoutAsync(SessionId, Ct);
        Assert.Equal(MyAppSuffix, t.Store.Suffix);
    }
}
