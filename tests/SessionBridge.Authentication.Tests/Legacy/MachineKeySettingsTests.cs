using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Tests.Legacy;

public sealed class MachineKeySettingsTests
{
    private static readonly string s_validationKey = new('A', 128);
    private static readonly string s_decryptionKey = new('B', 64);

    [Theory]
    [InlineData(null, null, "Framework20SP1")]
    [InlineData(null, "4.0", "Framework20SP1")]
    [InlineData(null, "4.5", "Framework45")]
    [InlineData(null, "4.7.2", "Framework45")]
    [InlineData(null, ".NETFramework,Version=v4.8", "Framework45")]
    [InlineData("Framework20SP2", "4.8", "Framework20SP2")]
    [InlineData("Framework45", null, "Framework45")]
    public void Mode_FollowsTargetFramework_UnlessExplicit(string? mode, string? targetFramework, string expected) =>
        Assert.Equal(expected, MachineKeySettings.Create(s_validationKey, s_decryptionKey, "SHA1", "AES", mode, targetFramework).CompatibilityMode.ToString());

    [Theory]
    [InlineData("sha1", null, "Framework45", "not a value System.Web accepts")]
    [InlineData("MD5", null, "Framework45", "refused by System.Web in compatibilityMode Framework45")]
    [InlineData("alg:MyHash", null, null, "custom algorithm")]
    [InlineData("SHA1", "Blowfish", null, "not a value System.Web accepts")]
    [InlineData("SHA1", "AES", "framework45", "compatibilityMode")]
    public void UnsupportedValues_AreRefusedWithTheAttribute(string validation, string? decryption, string? mode, string expected)
    {
        var ex = Assert.Throws<MachineKeyConfigurationException>(() => MachineKeySettings.Create(s_validationKey, s_decryptionKey, validation, decryption, mode));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(s_decryptionKey, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auto", 8, "Framework20SP1", "DES")]
    [InlineData("Auto", 24, "Framework20SP1", "AES")]
    [InlineData("Auto", 32, "Framework45", "AES")]
    public void Auto_PicksTheCipherAsSystemWeb(string decryption, int keyBytes, string mode, string expected)
    {
        var settings = MachineKeySettings.Create(s_validationKey, new string('C', keyBytes * 2), "SHA1", decryption, mode);

        Assert.Equal(expected, (settings.IsFramework45
            ? MachineKeySettings.EffectiveFramework45Cipher(settings.Decryption)
            : MachineKeySettings.EffectiveLegacyCipher(settings.Decryption, settings.DecryptionKey)).ToString());
    }

    [Fact]
    public void Framework45AutoWithAnEightByteKey_IsRefused() =>
        Assert.Throws<MachineKeyConfigurationException>(() => MachineKeySettings.Create(s_validationKey, new string('C', 16), "SHA1", "Auto", "Framework45"));

    [Fact]
    public void WebConfig_WithTheNativeTicketSwitch_OrWithoutMachineKey_IsRefused()
    {
        using var native = new MemoryStream("""
            <configuration><appSettings><add key="aspnet:UseLegacyFormsAuthenticationTicketCompatibility" value="true"/></appSettings>
            <system.web><machineKey validationKey="AAAA" decryptionKey="BBBB"/></system.web></configuration>
            """u8.ToArray());
        using var none = new MemoryStream("<configuration><system.web/></configuration>"u8.ToArray());

        Assert.Contains("native ticket format", Assert.Throws<MachineKeyConfigurationException>(() => LegacyWebConfigReader.Read(native).ToSettings()).Message, StringComparison.Ordinal);
        Assert.Contains("auto-generated keys", Assert.Throws<MachineKeyConfigurationException>(() => LegacyWebConfigReader.Read(none).ToSettings()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WebConfig_WithADtd_IsRefused()
    {
        using var dtd = new MemoryStream("""<?xml version="1.0"?><!DOCTYPE configuration [<!ENTITY x "y">]><configuration/>"""u8.ToArray());

        Assert.Throws<System.Xml.XmlException>(() => LegacyWebConfigReader.Read(dtd));
    }
}
