using System.Text.Json.Nodes;
using SessionBridge.Legacy.Authentication;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Authentication.Tests.Legacy;

/// <summary>The vectors of auth-cookies.json, by name, and their configurations as settings.</summary>
internal static class AuthVectors
{
    public static readonly Dictionary<string, JsonObject> All =
        VectorFiles.Vectors("auth-cookies.json").ToDictionary(v => (string)v["name"]!);

    public static TheoryData<string> Named(params string[] categories) =>
        new(All.Values.Where(v => categories.Contains((string)v["category"]!)).Select(v => (string)v["name"]!));

    public static MachineKeySettings Settings(JsonObject vector)
    {
        var config = vector["config"]!.AsObject();
        var key = config["machineKey"]!.AsObject();
        var useLegacy = (string?)config["appSettings"]?["aspnet:UseLegacyEncryption"];
        return MachineKeySettings.Create((string?)key["validationKey"], (string?)key["decryptionKey"], (string?)key["validation"], (string?)key["decryption"],
            (string?)key["compatibilityMode"], (string?)config["targetFramework"], MachineKeySettings.ParseAppSettingBoolean(useLegacy), (string?)config["forms"]?["protection"]);
    }

    public static FormsTicket Ticket(JsonObject ticket, string defaultPath = "/") => new(
        (byte)(int)ticket["version"]!,
        (string)ticket["name"]!,
        long.Parse((string)ticket["issueDateUtcTicks"]!, System.Globalization.CultureInfo.InvariantCulture),
        long.Parse((string)ticket["expirationUtcTicks"]!, System.Globalization.CultureInfo.InvariantCulture),
        (bool)ticket["isPersistent"]!,
        (string)ticket["userData"]!,
        (string?)ticket["cookiePath"] ?? defaultPath);
}
