using Dice.Torch;

namespace Dice.Cli;

/// <summary>The `--device` option of the training verbs: "cpu", "cuda" or "cuda:N", checked against this host.</summary>
public static class TrainingDevice
{
    public static torch.Device Parse(string value)
    {
        torch.Device device;
        try
        {
            device = torch.device(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or TorchException)
        {
            throw new DiceUsageException($"unknown --device '{value}': use cpu or cuda", e);
        }
        if (device.type == torch.DeviceType.CUDA && !torch.cuda.is_available())
        {
            throw new DiceUsageException("--device cuda: no CUDA device is available");
        }
        return device;
    }
}
