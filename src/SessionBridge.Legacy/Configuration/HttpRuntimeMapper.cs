namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>&lt;httpRuntime executionTimeout targetFramework&gt;</c>: the lock's lifetime (whole seconds, default 110) and the
/// version the application targets, which decides defaults elsewhere (machineKey compatibility, the queue limit).
/// </summary>
internal static class HttpRuntimeMapper
{
    private const string Setting = "system.web/httpRuntime";

    /// <summary>Maps the section and returns the target framework (4.0 when absent, as System.Web assumes).</summary>
    public static Version Map(WebConfigDocument document, WebConfigMapping mapping)
    {
        var section = document.Section(Setting);
        if (section is null)
        {
            return new Version(4, 0);
        }

        if (WebConfigAttributes.Attribute(section, "executionTimeout") is { } timeout)
        {
            if (!WebConfigValues.TryWhole(timeout.Value, allowInfinite: false, out var seconds) || seconds < 1 || seconds > int.MaxValue)
            {
                mapping.Error(timeout, Setting + "/@executionTimeout",
                    $"'{timeout.Value}' is not a whole number of seconds of at least 1; System.Web refuses it. Set seconds, e.g. executionTimeout=\"110\".");
            }
            else
            {
                mapping.Set(WebConfigKeys.ExecutionTimeout, WebConfigValues.Invariant(TimeSpan.FromSeconds(seconds)));
            }
        }

        // Every other httpRuntime attribute (maxRequestLength, requestValidationMode, …) changes neither session nor login.
        if (WebConfigAttributes.Attribute(section, "targetFramework") is not { } target)
        {
            return new Version(4, 0);
        }

        if (!WebConfigValues.TryFramework(target.Value, out var version))
        {
            mapping.Warning(target, Setting + "/@targetFramework",
                $"'{target.Value}' is not a framework version such as 4.5 or 4.7.2; the import assumes 4.0 (machineKey compatibilityMode Framework20SP1, no session queue limit). Check what the legacy application really targets.");
        }

        return version;
    }
}
