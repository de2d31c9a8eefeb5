namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// The machineKey settings cannot reproduce the legacy application's cookies; the message says which web.config
/// attribute to copy or change.
/// </summary>
internal sealed class MachineKeyConfigurationException : Exception
{
    public MachineKeyConfigurationException(string message)
        : base(message)
    {
    }

    public MachineKeyConfigurationException()
    {
    }

    public MachineKeyConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
