using System.Runtime.CompilerServices;
using Dice.Trainer;
using TorchSharp;

namespace Dice.Cli;

/// <summary>The `--device` option of the training verbs: "cpu", "cuda" or "cuda:N", checked against this host.</summary>
public static class TrainingDevice
{
    /// <exception cref="DiceUsageException">An unknown device, or CUDA where TorchSharp finds none.</exception>
    /// <exception cref="InvalidOperationException">libtorch does not load here (the message says why).</exception>
    public static torch.Device Parse(string value)
    {
        torch.Device device;
        try
        {
            device = TorchDevices.Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new DiceUsageException($"unknown --device '{value}': use cpu or cuda", e);
        }
        // Before TorchSharp's first use: where its native library does not load, say why instead of letting it guess.
        TorchNative.EnsureLoadable();
        if (device.type == DeviceType.CUDA && !CudaAvailable())
        {
            throw new DiceUsageException("--device cuda: no CUDA device is available (TorchSharp finds none; dice info says what it runs on)");
        }
        return device;
    }

    /// <summary>Apart, so that TorchSharp's type initializer runs only after the check above.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool CudaAvailable() => torch.cuda.is_available();
}
