using System.Security.Claims;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Tests.Legacy;

/// <summary>Every single-bit flip, truncation, wrong key and wrong purpose is rejected; fuzzed input never throws.</summary>
public sealed class TamperTests
{
    public static TheoryData<string> SignedForms => new(AuthVectors.Named("forms").Select(n => (string)n.Data)
        .Where(n => !AuthVectors.All[n]["config"]!.ToJsonString().Contains("\"None\"", StringComparison.Ordinal)
            && !AuthVectors.All[n]["config"]!.ToJsonString().Contains("UseLegacyEncryption", StringComparison.Ordinal)));

    public static TheoryData<string> Owin => AuthVectors.Named("owin");

    [Theory]
    [MemberData(nameof(SignedForms))]
    public void Forms_EverySingleBitFlip_AndEveryTruncation_IsRejected(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new FormsCookieProtector(AuthVectors.Settings(vector));
        var bytes = LegacyCookieText.DecodeForms((string)vector["cookie"]!, out _)!;

        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(protector.Unprotect(Convert.ToHexString(copy), out _));
        }

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Null(protector.Unprotect(Convert.ToHexString(bytes.AsSpan(0, length)), out _));
        }
    }

    [Theory]
    [MemberData(nameof(Owin))]
    public void Owin_EverySingleBitFlip_AndTruncations_AreRejected(string name)
    {
        var vector = AuthVectors.All[name];
        var protector = new OwinCookieProtector(AuthVectors.Settings(vector), (string)vector["authenticationType"]!);
        var bytes = LegacyCookieText.Base64UrlDecode((string)vector["cookie"]!)!;

        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(protector.Unprotect(LegacyCookieText.Base64UrlEncode(copy), out _));
        }

        for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 64))
        {
            Assert.Null(protector.Unprotect(LegacyCookieText.Base64UrlEncode(bytes.AsSpan(0, length)), out _));
        }
    }

    [Fact]
    public void WrongKeys_AndWrongPurposes_AreRejected()
    {
        var vector = AuthVectors.All["forms-fx45-hmacsha256-aes256-basic"];
        var cookie = (string)vector["cookie"]!;
        var key = vector["config"]!["machineKey"]!;
        var otherValidation = MachineKeySettings.Create(new string('A', 128), (string)key["decryptionKey"]!, "HMACSHA256", "AES", "Framework45");
        var otherDecryption = MachineKeySettings.Create((string)key["validationKey"]!, new string('B', 64), "HMACSHA256", "AES", "Framework45");
        Assert.Null(new FormsCookieProtector(otherValidation).Unprotect(cookie, out _));
        Assert.Null(new FormsCookieProtector(otherDecryption).Unprotect(cookie, out _));

        // A forms ticket is not a MachineKey.Protect payload, and an OWIN cookie of one middleware is not one of another.
        var settings = AuthVectors.Settings(vector);
        Assert.Null(new MachineKeyProtector(settings, "FormsAuthentication.Ticket").Unprotect(Convert.FromHexString(cookie)));
        var owin = new OwinCookieProtector(settings, "ApplicationCookie");
        var value = owin.Protect(new OwinTicket(new ClaimsIdentity([new Claim(ClaimTypes.Name, "a")], "ApplicationCookie"), []));
        Assert.NotNull(owin.Unprotect(value, out _));
        Assert.Null(new OwinCookieProtector(settings, "ExternalCookie").Unprotect(value, out _));
    }

    [Fact]
    public void ExpiredTicket_IsReadButReportedExpired()
    {
        var vector = AuthVectors.All["forms-fx45-expired-2019"];
        var ticket = new FormsCookieProtector(AuthVectors.Settings(vector)).Unprotect((string)vector["cookie"]!, out _);

        Assert.NotNull(ticket);
        Assert.True(ticket.IsExpired(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void HundredThousandFuzzedCookies_NeverThrow_AndNeverAcceptForgeries()
    {
        var random = new Random(2718);
        var formsVectors = AuthVectors.Named("forms").Select(n => AuthVectors.All[(string)n.Data]).ToList();
        var protectors = formsVectors.Select(v => new FormsCookieProtector(AuthVectors.Settings(v))).ToList();
        var owinVector = AuthVectors.All["owin-fx45-identity-default"];
        var owin = new OwinCookieProtector(AuthVectors.Settings(owinVector), "ApplicationCookie");
        var owinBytes = LegacyCookieText.Base64UrlDecode((string)owinVector["cookie"]!)!;
        var accepted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var which = random.Next(formsVectors.Count);
            var seed = LegacyCookieText.DecodeForms((string)formsVectors[which]["cookie"]!, out _)!;
            var candidate = Mutate(random, i % 2 == 0 ? seed : owinBytes);
            var text = (i % 7) switch
            {
                0 => LegacyCookieText.UrlTokenEncode(candidate),
                1 => new string([.. candidate.Select(b => (char)b)]),
                _ => Convert.ToHexString(candidate),
            };

            var signedForms = !protectors[which].IsUnsigned && protectors[which].Settings.FormsProtection != FormsProtection.None;
            if (protectors[which].Unprotect(text, out _) is not null && signedForms && !candidate.AsSpan().SequenceEqual(seed))
            {
                accepted++;
            }

            if (owin.Unprotect(i % 3 == 0 ? text : LegacyCookieText.Base64UrlEncode(candidate), out _) is not null && !candidate.AsSpan().SequenceEqual(owinBytes))
            {
                accepted++;
            }
        }

        Assert.Equal(0, accepted);
    }

    [Fact]
    public void HostileTicketBytes_AreRefusedWithoutLargeAllocations()
    {
        // A string count of 2^31-1 code units and a claim count of int.MaxValue: refused by the bounds checks, not by running out of memory.
        var forms = new byte[] { 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0xFF };
        Assert.Null(FormsTicketSerializer.Deserialize(forms));
        var owin = new byte[] { 3, 0, 0, 0, 1, (byte)'A', 1, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0 };
        Assert.Null(OwinTicketSerializer.Deserialize(owin));
        var bomb = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(bomb, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(new byte[OwinCookieProtector.MaxTicketBytes + 1]);
        }

        Assert.Null(OwinCookieProtector.Gunzip(bomb.ToArray()));
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        switch (random.Next(5))
        {
            case 0:
                var flipped = (byte[])seed.Clone();
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            case 1:
                return seed[..random.Next(seed.Length)];
            case 2:
                return [.. seed, .. RandomBytes(random, random.Next(1, 40))];
            case 3:
                return RandomBytes(random, random.Next(0, 600));
            default:
                var spliced = (byte[])seed.Clone();
                RandomBytes(random, Math.Min(16, spliced.Length)).CopyTo(spliced, random.Next(Math.Max(1, spliced.Length - 16)));
                return spliced;
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
