using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace Dice.Tests.Shared;

/// <summary>
/// Finds calls that hand libtorch a TorchSharp <see cref="Scalar"/> nobody keeps alive. A Scalar wraps a native pointer
/// in a plain IntPtr and frees it in its finalizer; one made by an implicit conversion (`t * 0.5`, or inside TorchSharp,
/// `add(Tensor)` → `add(t, 1)`) is unreachable once its handle is read, so a garbage collection during the native call
/// can free it first: libtorch then fails with "Unknown scalar type" (seen in CI) or reads freed memory.
/// A TorchSharp method is unsafe when its IL converts a value to a Scalar implicitly, or calls an unsafe TorchSharp method.
/// </summary>
internal static class TorchScalarCalls
{
    private static readonly Lazy<HashSet<MethodBase>> UnsafeInTorchSharp = new(FindUnsafeTorchSharpMethods);

    /// <summary>Every call in <paramref name="assembly"/> to an implicit Scalar conversion or an unsafe TorchSharp method.</summary>
    public static List<string> UnsafeCallsIn(Assembly assembly)
    {
        var found = new List<string>();
        foreach (var method in MethodsOf(assembly))
        {
            foreach (var callee in Callees(method))
            {
                if (UnsafeInTorchSharp.Value.Contains(callee))
                {
                    found.Add($"{method.DeclaringType?.FullName}.{method.Name} calls {callee.DeclaringType?.Name}.{callee}");
                }
            }
        }
        return found.Distinct().ToList();
    }

    /// <summary>The public TorchSharp methods found unsafe (for the test's own sanity checks).</summary>
    public static IReadOnlySet<MethodBase> UnsafeTorchSharpMethods => UnsafeInTorchSharp.Value;

    private static HashSet<MethodBase> FindUnsafeTorchSharpMethods()
    {
        var torchSharp = typeof(Scalar).Assembly;
        var unsafeMethods = new HashSet<MethodBase>(typeof(Scalar).GetMethods().Where(m => m.Name == "op_Implicit"));
        var calls = MethodsOf(torchSharp).ToDictionary(m => m, m => Callees(m).ToList());
        // Grow to a fixed point: a method that calls an unsafe method is unsafe.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (method, callees) in calls)
            {
                if (!unsafeMethods.Contains(method) && callees.Any(unsafeMethods.Contains))
                {
                    unsafeMethods.Add(method);
                    changed = true;
                }
            }
            // A virtual call reaches every override: `optimizer.step()` names Optimizer.step, AdamW's override runs.
            foreach (var method in unsafeMethods.OfType<MethodInfo>().Where(m => m.IsVirtual).ToList())
            {
                foreach (var overridden in OverriddenBy(method))
                {
                    changed |= unsafeMethods.Add(overridden);
                }
            }
        }
        return unsafeMethods;
    }

    private static IEnumerable<MethodInfo> OverriddenBy(MethodInfo method)
    {
        var parameters = method.GetParameters().Select(p => p.ParameterType).ToArray();
        for (var type = method.DeclaringType?.BaseType; type is not null; type = type.BaseType)
        {
            var declared = type.GetMethod(method.Name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
                | BindingFlags.DeclaredOnly, null, parameters, null);
            if (declared is { IsVirtual: true })
            {
                yield return declared;
            }
        }
    }

    private static IEnumerable<MethodBase> MethodsOf(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static
            | BindingFlags.DeclaredOnly;
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // TorchSharp has types over optional packages (SkiaSharp for images) that are not installed.
            types = e.Types.OfType<Type>().ToArray();
        }
        foreach (var type in types)
        {
            foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                yield return m;
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The methods <paramref name="method"/>'s IL calls (call, callvirt, newobj, ldftn: lambdas are their own methods).</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is BadImageFormatException or FileNotFoundException or TypeLoadException)
        {
            yield break;
        }
        if (il is null)
        {
            yield break;
        }
        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))] : OpCodesByValue[il[i]];
            i += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                }
                catch (Exception e) when (e is ArgumentException or FileNotFoundException or TypeLoadException or BadImageFormatException)
                {
                    // A callee in an assembly that is not installed (see above) cannot be a TorchSharp tensor operation.
                }
                if (callee is not null)
                {
                    yield return callee is MethodInfo { IsGenericMethod: true } g ? g.GetGenericMethodDefinition() : callee;
                }
            }
            i += OperandSize(code, il, i);
        }
    }

    private static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
