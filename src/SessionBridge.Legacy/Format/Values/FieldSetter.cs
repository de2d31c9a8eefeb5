using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// Builds a field setter once per mapped field: a small dynamic method (castclass/unbox, stfld) where dynamic code
/// is supported, <see cref="FieldInfo.SetValue(object, object)"/> elsewhere. Values are type-checked before they
/// reach it; a mismatch would still fail with an <see cref="InvalidCastException"/>, never store a wrong type.
/// </summary>
internal static class FieldSetter
{
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by RuntimeFeature.IsDynamicCodeSupported.")]
    public static Action<object, object?> Create(FieldInfo field)
    {
        var declaring = field.DeclaringType;
        if (!RuntimeFeature.IsDynamicCodeSupported || declaring is null || field.IsStatic || field.FieldType.IsByRefLike || field.FieldType.IsPointer)
        {
            return field.SetValue;
        }

        var method = new DynamicMethod("SetField_" + field.Name, null, [typeof(object), typeof(object)], declaring.Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(declaring.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, declaring);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Unbox_Any, field.FieldType);
        il.Emit(OpCodes.Stfld, field);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Action<object, object?>>();
    }
}
