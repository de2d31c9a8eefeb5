using System.Net;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class LifecycleTests
{
    [Fact]
    public async Task IsNewSession_IsTrueOnlyForTheFirstRequest()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var second = await (await app.GetAsync("/info", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var fresh = await (await app.GetAsync("/info")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("existing|", second, StringComparison.Ordinal);
        Assert.StartsWith("new|", fresh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abandon_RemovesTheSession_AndTheNextRequestStartsEmptyWithANewId()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var abandon = await app.PostAsync("/abandon", id);

        Assert.Equal(HttpStatusCode.OK, abandon.StatusCode);
        var renewed = TestApp.SessionIdFrom(abandon);
        Assert.NotNull(renewed);
        Assert.NotEqual(id, renewed);
        Assert.Null(await Sessions.ReadAsync(app.Store, id));
        var next = await (await app.GetAsync("/info", renewed)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"new|{renewed}|0|0", next);
    }

    [Fact]
    public async Task Abandon_WithoutRenewal_ReusesTheIdForANewEmptySession_AsSystemWeb()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.RenewIdAfterAbandon = false);
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var abandon = await app.PostAsync("/abandon", id);
        var next = await (await app.GetAsync("/info", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Null(TestApp.SessionSetCookie(abandon));
        Assert.Equal($"new|{id}|0|0", next);
    }

    [Fact]
    public async Task TimeoutChange_IsPersisted_EvenWithoutOtherChanges()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync("/timeout?minutes=45", id)).StatusCode);

        var stored = await Sessions.ReadAsync(app.Store, id);
        Assert.Equal(45, stored!.Timeout);
        Assert.Equal(1, stored.Items["Count"]);
    }

    [Fact]
    public async Task InvalidTimeout_FailsTheRequest_AndSavesNothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => app.PostAsync("/timeout?minutes=0", id));

        Assert.Equal(20, (await Sessions.ReadAsync(app.Store, id))!.Timeout);
        await Sessions.AssertUnlockedAsync(app.Store, id);
    }

    [Fact]
    public async Task EndpointException_SavesNothing_AndReleasesTheLock()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.PostAsync("/throw", id));

        await Sessions.AssertUnlockedAsync(app.Store, id);
        Assert.Equal(1, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
        Assert.Equal("2", await (await app.PostAsync("/inc", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadOnlySession_RefusesWrites_AndNeverSaves()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 3));

        var body = await (await app.PostAsync("/write-readonly", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("refused: The session is read-only", body, StringComparison.Ordinal);
        Assert.Equal(3, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
    }

    [Fact]
    public async Task UntouchedValues_TravelBackByteForByte()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var opaque = new Legacy.Format.SerializedObject(new byte[] { 0x00, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0B });
        var id = await Sessions.SeedAsync(app.Store, items: [("Legacy.Cart", opaque), ("Count", 1)]);

        Assert.Equal("2", await (await app.PostAsync("/inc", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var stored = (await Sessions.ReadAsync(app.Store, id))!.Items;
        stored.ValueSerializer = null; // the raw value, as the store holds it
        Assert.Equal(opaque, stored["Legacy.Cart"]);
    }
}
