using System.Runtime.InteropServices;

namespace Dice.Torch.Native;

/// <summary>Turns the shim's error convention (NULL handle or non-zero status) into exceptions.</summary>
internal static class Check
{
    internal static string LastError() => Marshal.PtrToStringUTF8(NativeMethods.dt_last_error()) ?? "unknown native error";

    internal static IntPtr Handle(IntPtr handle) =>
        handle != IntPtr.Zero ? handle : throw new TorchException(LastError());

    internal static void Status(int status)
    {
        if (status != 0)
        {
            throw new TorchException(LastError());
        }
    }
}
