
namespace SessionBridge.StateServer;

/// <summary>The request verbs of [MS-ASP] (System.Web's <c>StateProtocolVerb</c>); anything else is <see cref="Unknown"/>.</summary>
internal enum StateServerVerb
{
    Unknown = 0,
    Get = 1,
    Put = 2,
    Delete = 3,
    Head = 4,
}
