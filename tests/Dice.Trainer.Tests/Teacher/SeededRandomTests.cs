using Dice.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace Dice.Trainer.Tests.Teacher;

/// <summary>The trainers' seeded draws (<see cref="SeededRandom"/>) and device names (<see cref="TorchDevices"/>).</summary>
public sealed class SeededRandomTests
{
    /// <summary>PyTorch's documented first draws after torch.manual_seed(0): randn(3) = [1.5410, −0.2934, −2.1788],
    /// rand(3) = [0.4963, 0.7682, 0.0885].</summary>
    [Fact]
    public void Seed_0_draws_pytorchs_first_numbers()
    {
        using var g1 = new Generator(0);
        using var normal = SeededRandom.Randn([3], float32, CPU, g1);
        using var g2 = new Generator(0);
        using var uniform = SeededRandom.Rand([3], float32, CPU, g2);

        Assert.Equal([1.5410, -0.2934, -2.1788], normal.data<float>().ToArray().Select(x => Math.Round(x, 4)));
        Assert.Equal([0.4963, 0.7682, 0.0885], uniform.data<float>().ToArray().Select(x => Math.Round(x, 4)));
    }

    [Fact]
    public void A_restored_generator_state_repeats_the_stream()
    {
        using var g = new Generator(99);
        using (SeededRandom.Randn([5], float32, CPU, g)) { }
        using var state = g.get_state();
        using var first = SeededRandom.Rand([16], float64, CPU, g);
        using var ints = SeededRandom.Randint(0, 1000, [8], CPU, g);

        g.set_state(state);

        using var again = SeededRandom.Rand([16], float64, CPU, g);
        using var intsAgain = SeededRandom.Randint(0, 1000, [8], CPU, g);
        Assert.True(first.Equals(again));
        Assert.True(ints.Equals(intsAgain));
        Assert.Equal(ScalarType.Byte, state.dtype);
    }

    [Fact]
    public void Randint_gives_int64_in_range()
    {
        using var g = new Generator(3);
        using var r = SeededRandom.Randint(0, 1000, [500], CPU, g);

        Assert.Equal(ScalarType.Int64, r.dtype);
        var values = r.data<long>().ToArray();
        Assert.All(values, v => Assert.InRange(v, 0, 999));
        Assert.True(values.Distinct().Count() > 300);
    }

    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("CUDA", DeviceType.CUDA, 0)]
    [InlineData(" cuda:3 ", DeviceType.CUDA, 3)]
    public void Device_names_parse(string spec, DeviceType type, int index)
    {
        var device = TorchDevices.Parse(spec);

        Assert.Equal((type, index), (device.type, device.index));
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void Unknown_device_names_are_refused(string spec)
    {
        var e = Assert.Throws<ArgumentException>(() => TorchDevices.Parse(spec));

        Assert.Contains($"'{spec}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_compare_by_kind_and_gpu()
    {
        Assert.True(TorchDevices.Same(CPU, new Device(DeviceType.CPU)));
        Assert.True(TorchDevices.Same(new Device(DeviceType.CUDA), new Device(DeviceType.CUDA, 0)));
        Assert.False(TorchDevices.Same(new Device(DeviceType.CUDA, 0), new Device(DeviceType.CUDA, 1)));
        Assert.False(TorchDevices.Same(CPU, new Device(DeviceType.CUDA, 0)));
        using var t = zeros(1);
        Assert.True(TorchDevices.Same(t.device, CPU));
    }
}
