using System.Security.Claims;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Tests.Legacy;

public sealed class OwinVectorTests
{
    public static TheoryData<string> Owin => AuthVectors.Named("owin");

    public static TheoryData<string> OwinDecode => AuthVectors.Named("owin-decode");

    public static TheoryData<string> Protect => AuthVectors.Named("protect");

    public static TheoryData<string> ProtectDecode => AuthVectors.Named("protect-decode");

    [Theory]
    [MemberData(nameof(Owin))]
    public void Unprotect_GivesTheRecordedIdentityAndProperties(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new OwinCookieProtector(AuthVectors.Settings(vector), (string)vector["authenticationType"]!);

        var ticket = protector.Unprotect((string)vector["cookie"]!, out var reason);

        Assert.True(ticket is not null, reason);
        AssertTicket(vector["expected"]!.AsObject(), ticket);
    }

    [Theory]
    [MemberData(nameof(Owin))]
    public void Serialize_GivesTheRecordedBytes(string name)
    {
        var vector = AuthVectors.All[name];
        var ticket = OwinTicketSerializer.Deserialize(Convert.FromHexString((string)vector["serializedHex"]!));
        Assert.NotNull(ticket);

        Assert.Equal((string)vector["serializedHex"]!, Convert.ToHexString(OwinTicketSerializer.Serialize(ticket)));
        Assert.Equal((string)vector["serializedHex"]!, Convert.ToHexString(OwinTicketSerializer.Serialize(Build(vector))));
    }

    [Theory]
    [MemberData(nameof(Owin))]
    public void ProtectThenUnprotect_RoundTrips(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new OwinCookieProtector(AuthVectors.Settings(vector), (string)vector["authenticationType"]!);

        var cookie = protector.Protect(Build(vector));
        var again = protector.Unprotect(cookie, out var reason);

        Assert.True(again is not null, reason);
        AssertTicket(vector["expected"]!.AsObject(), again);
        Assert.NotEqual(cookie, protector.Protect(Build(vector)));
    }

    [Theory]
    [MemberData(nameof(OwinDecode))]
    public void DecodeVectors_AcceptOrRejectAsKatana(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new OwinCookieProtector(AuthVectors.Settings(vector), (string)vector["authenticationType"]!);

        var ticket = protector.Unprotect((string)vector["cookie"]!, out var reason);

        var expected = vector["expected"]!.AsObject();
        if ((string)expected["outcome"]! == "accept")
        {
            Assert.True(ticket is not null, reason);
            AssertTicket(expected, ticket);
        }
        else
        {
            Assert.Null(ticket);
            Assert.NotNull(reason);
        }
    }

    [Theory]
    [MemberData(nameof(Protect))]
    public void MachineKeyUnprotect_GivesTheData_AndProtectRoundTrips(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new MachineKeyProtector(AuthVectors.Settings(vector), [.. vector["purposes"]!.AsArray().Select(p => (string)p!)]);

        Assert.Equal((string)vector["expected"]!["dataHex"]!, Convert.ToHexString(protector.Unprotect(Convert.FromHexString((string)vector["protectedHex"]!))!));
        var data = Convert.FromHexString((string)vector["dataHex"]!);
        Assert.Equal(data, protector.Unprotect(protector.Protect(data)));
    }

    [Theory]
    [MemberData(nameof(ProtectDecode))]
    public void MachineKeyUnprotect_RejectsAsMicrosoft(string name)
    {
        var vector = AuthVectors.All[name];
        var purposes = vector["purposes"]!.AsArray().Select(p => (string)p!).ToArray();
        var expected = vector["expected"]!.AsObject();
        Assert.Equal("reject", (string)expected["outcome"]!);
        if ((string?)expected["exception"] == "System.ArgumentException")
        {
            Assert.Throws<ArgumentException>(() => new MachineKeyProtector(AuthVectors.Settings(vector), purposes));
            return;
        }

        Assert.Null(new MachineKeyProtector(AuthVectors.Settings(vector), purposes).Unprotect(Convert.FromHexString((string)vector["protectedHex"]!)));
    }

    internal static OwinTicket Build(JsonObject vector)
    {
        var source = vector["identity"]!.AsObject();
        var identity = new ClaimsIdentity((string)source["authenticationType"]!, (string?)source["nameClaimType"] ?? ClaimsIdentity.DefaultNameClaimType,
            (string?)source["roleClaimType"] ?? ClaimsIdentity.DefaultRoleClaimType);
        foreach (var claim in source["claims"]!.AsArray().Select(c => c!.AsObject()))
        {
            var issuer = (string?)claim["issuer"] ?? ClaimsIdentity.DefaultIssuer;
            identity.AddClaim(new Claim((string)claim["type"]!, (string)claim["value"]!, (string?)claim["valueType"] ?? ClaimValueTypes.String, issuer,
                (string?)claim["originalIssuer"] ?? issuer));
        }

        identity.BootstrapContext = (string?)source["bootstrapContext"];
        var properties = vector["properties"]!.AsArray().Select(p => new KeyValuePair<string, string?>((string)p![0]!, (string?)p[1])).ToList();
        return new OwinTicket(identity, properties);
    }

    private static DateTimeOffset? Date(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertTicket(JsonObject expected, OwinTicket? actual)
    {
        Assert.NotNull(actual);
        var identity = expected["identity"]!.AsObject();
        Assert.Equal((string)identity["authenticationType"]!, actual.Identity.AuthenticationType);
        Assert.Equal((string)identity["nameClaimType"]!, actual.Identity.NameClaimType);
        Assert.Equal((string)identity["roleClaimType"]!, actual.Identity.RoleClaimType);
        Assert.Equal((string?)identity["name"], actual.Identity.Name);
        Assert.Equal((string?)identity["bootstrapContext"], actual.Identity.BootstrapContext as string);
        var claims = identity["claims"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var actualClaims = actual.Identity.Claims.ToList();
        Assert.Equal(claims.Count, actualClaims.Count);
        for (var i = 0; i < claims.Count; i++)
        {
            Assert.Equal((string)claims[i]["type"]!, actualClaims[i].Type);
            Assert.Equal((string)claims[i]["value"]!, actualClaims[i].Value);
            Assert.Equal((string)claims[i]["valueType"]!, actualClaims[i].ValueType);
            Assert.Equal((string)claims[i]["issuer"]!, actualClaims[i].Issuer);
            Assert.Equal((string)claims[i]["originalIssuer"]!, actualClaims[i].OriginalIssuer);
        }

        var properties = expected["properties"]!.AsArray().Select(p => ((string)p![0]!, (string?)p[1])).ToList();
        Assert.Equal(properties, actual.Properties.Select(p => (p.Key, p.Value)).ToList());
        // The vectors give these derived fields where Katana's AuthenticationProperties had them; absent means null.
        Assert.Equal(Date(expected["issuedUtc"]) ?? (expected.ContainsKey("issuedUtc") ? null : actual.IssuedUtc), actual.IssuedUtc);
        Assert.Equal(Date(expected["expiresUtc"]) ?? (expected.ContainsKey("expiresUtc") ? null : actual.ExpiresUtc), actual.ExpiresUtc);
        Assert.Equal((bool?)expected["isPersistent"] ?? properties.Any(p => p.Item1 == ".persistent"), actual.IsPersistent);
        Assert.Equal((bool?)expected["allowRefresh"], actual.AllowRefresh);
    }
}
