using System.Text.Json.Nodes;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Tests.Legacy;

public sealed class FormsVectorTests
{
    public static TheoryData<string> Forms => AuthVectors.Named("forms");

    public static TheoryData<string> FormsDecode => AuthVectors.Named("forms-decode");

    [Theory]
    [MemberData(nameof(Forms))]
    public void Decrypt_GivesTheRecordedTicket(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new FormsCookieProtector(AuthVectors.Settings(vector));

        var ticket = protector.Unprotect((string)vector["cookie"]!, out var reason);

        Assert.True(ticket is not null, reason);
        AssertTicket(vector["expected"]!["ticket"]!.AsObject(), ticket);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Serialize_GivesTheRecordedTicketBytes(string name)
    {
        var vector = AuthVectors.All[name];
        var path = (string)vector["effective"]!["formsPath"]!;
        var ticket = AuthVectors.Ticket(vector["ticket"]!.AsObject(), path);

        Assert.Equal((string)vector["ticketBlobHex"]!, Convert.ToHexString(FormsTicketSerializer.Serialize(ticket)));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void EncryptThenDecrypt_RoundTrips_AndDeterministicLayoutsMatchTheCookie(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new FormsCookieProtector(AuthVectors.Settings(vector));
        var ticket = AuthVectors.Ticket(vector["ticket"]!.AsObject(), (string)vector["effective"]!["formsPath"]!);

        var bytes = protector.ProtectBytes(ticket);
        var cookie = (string)vector["encoding"]! == "urltoken" ? LegacyCookieText.UrlTokenEncode(bytes) : Convert.ToHexString(bytes);

        Assert.Equal(ticket, protector.Unprotect(cookie, out _));
        if ((string)vector["encoding"]! == "hex")
        {
            Assert.Equal(((string)vector["cookie"]!).Length, cookie.Length);
        }

        if ((bool)vector["deterministic"]!)
        {
            Assert.Equal((string)vector["cookie"]!, cookie);
        }
        else
        {
            Assert.NotEqual(cookie, Convert.ToHexString(protector.ProtectBytes(ticket)));
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Framework45Layout_DerivedKeysAndMacMatch(string name)
    {
        var vector = AuthVectors.All[name];
        var layout = vector["layout"]!.AsObject();
        if ((string)layout["kind"]! != "framework45")
        {
            Assert.Equal("legacy", (string)layout["kind"]!);
            return;
        }

        var settings = AuthVectors.Settings(vector);
        var service = new AspNetCryptoService(settings, (string)layout["label"]!, [.. layout["specificPurposes"]!.AsArray().Select(p => (string)p!)]);
        Assert.Equal((string)layout["derivedEncryptionKeyHex"]!, Convert.ToHexString(service.EncryptionKey));
        Assert.Equal((string)layout["derivedValidationKeyHex"]!, Convert.ToHexString(service.ValidationKey));
    }

    [Theory]
    [MemberData(nameof(FormsDecode))]
    public void DecodeVectors_AcceptOrRejectAsMicrosoft(string name)
    {
        var vector = AuthVectors.All[name];
        var expected = vector["expected"]!.AsObject();
        MachineKeySettings settings;
        try
        {
            settings = AuthVectors.Settings(vector);
        }
        catch (MachineKeyConfigurationException)
        {
            // A configuration System.Web itself cannot operate with (e.g. a legacy validation key longer than the HMAC block):
            // refused at start instead of on every cookie.
            Assert.Equal("reject", (string)expected["outcome"]!);
            Assert.Equal("forms-sp1-validation-key-longer-than-block", name);
            return;
        }

        var ticket = new FormsCookieProtector(settings).Unprotect((string?)vector["cookie"] ?? "", out var reason);

        if ((string)expected["outcome"]! == "accept")
        {
            Assert.True(ticket is not null, reason);
            AssertTicket(expected["ticket"]!.AsObject(), ticket);
            Assert.Equal((bool)expected["expired"]!, ticket.IsExpired(DateTimeOffset.UtcNow));
        }
        else
        {
            Assert.Null(ticket);
            Assert.NotNull(reason);
        }
    }

    private static void AssertTicket(JsonObject expected, FormsTicket? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((int)expected["version"]!, actual.Version);
        Assert.Equal((string?)expected["name"] ?? Utf16((string)expected["nameUtf16Hex"]!), actual.Name);
        Assert.Equal((string)expected["issueDateUtcTicks"]!, actual.IssueDateUtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((string)expected["expirationUtcTicks"]!, actual.ExpirationUtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse((string)expected["issueDateUtc"]!, System.Globalization.CultureInfo.InvariantCulture), actual.IssueDateUtc);
        Assert.Equal((bool)expected["isPersistent"]!, actual.IsPersistent);
        Assert.Equal((string)expected["userData"]!, actual.UserData);
        Assert.Equal((string)expected["cookiePath"]!, actual.CookiePath);
    }

    private static string Utf16(string hex) => System.Text.Encoding.Unicode.GetString(Convert.FromHexString(hex));
}
