using BenchmarkDotNet.Attributes;
using Dice.Torch;
using static Dice.Torch.torch;

namespace Dice.Benchmarks;

/// <summary>
/// The cost of the hand-written libtorch binding: a tiny op (almost all interop and handle bookkeeping) against
/// a convolution forward + backward at a UNet-like size, where the binding's share should vanish.
/// </summary>
[MemoryDiagnoser]
public class TorchInteropBenchmarks : IDisposable
{
    private Tensor? one;
    private Tensor? image;
    private Tensor? weight;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        one = ones([1]);
        image = randn([1, 64, 32, 32]);
        weight = randn([64, 64, 3, 3]).requires_grad_();
    }

    [Benchmark(Description = "add of one-element tensors (interop overhead)")]
    public void TinyAdd()
    {
        using var r = one! + one!;
    }

    [Benchmark(Description = "conv2d 64→64 3×3 on 32×32, forward + backward")]
    public void ConvForwardBackward()
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.conv2d(image!, weight!, padding: 1);
        y.sum().backward();
        weight!.clear_grad();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        one?.Dispose();
        image?.Dispose();
        weight?.Dispose();
        GC.SuppressFinalize(this);
    }
}
