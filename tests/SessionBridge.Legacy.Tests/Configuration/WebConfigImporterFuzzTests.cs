using SessionBridge.Legacy.Configuration;

namespace SessionBridge.Legacy.Tests.Configuration;

/// <summary>
/// Mutated web.configs (characters replaced, inserted, deleted; cut short) give either a result or a
/// <see cref="WebConfigImportException"/>, never another exception.
/// </summary>
public sealed class WebConfigImporterFuzzTests
{
    private const string Alphabet = "<>/=\"' &;#x:.,@[]{}AaZz09\r\n\t\u00e9\uffff";

    public static TheoryData<string> Cases => new(WebConfigCases.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MutatedFiles_GiveAResultOrAnImportException(string name)
    {
        var path = WebConfigCases.PathOf(name);
        var original = File.ReadAllText(path);
        var random = new Random(name.Length * 7919 + original.Length);
        for (var round = 0; round < 300; round++)
        {
            var text = Mutate(original, random);
            foreach (var platform in new[] { LegacyPlatform.SystemWeb, LegacyPlatform.Mono })
            {
                try
                {
                    var result = WebConfigImporter.Import(path, text, new WebConfigImportOptions { Platform = platform });
                    Assert.NotNull(result.Values);
                }
                catch (WebConfigImportException)
                {
                }
            }
        }
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        var edits = random.Next(1, 6);
        for (var i = 0; i < edits && chars.Count > 0; i++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 1:
                    chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    chars.RemoveAt(at);
                    break;
                default:
                    chars.RemoveRange(at, chars.Count - at);
                    break;
            }
        }

        return new string([.. chars]);
    }
}
