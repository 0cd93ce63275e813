using static Dice.Torch.torch;

namespace Dice.Torch.Tests;

public class TensorTests
{
    [Fact]
    public void Data_round_trips_with_shape_and_dtype()
    {
        using var t = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(float32, t.dtype);
        Assert.Equal(CPU, t.device);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.data<float>());
        using var tt = t.transpose(0, 1);
        Assert.Equal([1f, 4, 2, 5, 3, 6], tt.data<float>());
    }

    [Fact]
    public void Reading_with_the_wrong_element_type_is_an_error()
    {
        using var t = zeros([2]);
        var e = Assert.Throws<InvalidOperationException>(() => t.data<double>());
        Assert.Contains("Float32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arithmetic_broadcasts_like_numpy()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var b = tensor(new float[] { 10, 20, 30 });
        using var c = a + b * 2 - 1;
        Assert.Equal([20f, 41, 62, 23, 44, 65], c.data<float>());
        using var d = 1 - a;
        Assert.Equal([0f, -1, -2, -3, -4, -5], d.data<float>());
        using var e = 6 / a;
        Assert.Equal([6f, 3, 2, 1.5f, 1.2f, 1], e.data<float>());
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float64)]
    public void Casting_to_a_floating_type_and_back_keeps_exactly_representable_values(ScalarType type)
    {
        using var t = tensor(new float[] { 0.5f, -2, 1024, 3.25f });
        using var cast = t.to(type);
        Assert.Equal(type, cast.dtype);
        using var back = cast.to(float32);
        Assert.Equal(t.data<float>(), back.data<float>());
    }

    [Fact]
    public void Half_precision_rounds_like_ieee()
    {
        using var t = tensor(new float[] { 1.0009765625f + 0.0001f, 65504f, 70000f });
        using var h = t.to(float16);
        Assert.Equal([(Half)1.0009765625f, (Half)65504f, Half.PositiveInfinity], h.data<Half>());
    }

    [Fact]
    public void Seeded_generators_repeat_and_differ_by_seed()
    {
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var g3 = new Generator(8);
        using var a = randn([64], generator: g1);
        using var b = randn([64], generator: g2);
        using var c = randn([64], generator: g3);
        Assert.True(a.equal(b));
        Assert.False(a.equal(c));
        var values = a.data<float>();
        Assert.InRange(values.Average(), -0.5, 0.5);
        Assert.Contains(values, v => v < 0);
    }

    [Fact]
    public void Generator_state_restores_the_same_stream()
    {
        using var g = new Generator(99);
        using (randn([5], generator: g)) { }
        using var state = g.get_state();
        using var first = rand([16], generator: g);
        g.set_state(state);
        using var again = rand([16], generator: g);
        Assert.True(first.equal(again));
    }

    [Fact]
    public void Randint_stays_in_range()
    {
        using var g = new Generator(3);
        using var r = randint(0, 1000, [500], generator: g);
        Assert.Equal(int64, r.dtype);
        var v = r.data<long>();
        Assert.All(v, x => Assert.InRange(x, 0, 999));
        Assert.True(v.Distinct().Count() > 300);
    }

    [Fact]
    public void Chunk_and_split_follow_pytorch_sizes()
    {
        using var t = arange(0, 10, dtype: float32);
        var chunks = t.chunk(3);
        Assert.Equal([4L, 4L, 2L], chunks.Select(c => c.shape[0]));
        var pieces = t.split([3L, 7L]);
        Assert.Equal([3f, 4, 5, 6, 7, 8, 9], pieces[1].data<float>());
        foreach (var x in chunks.Concat(pieces))
        {
            x.Dispose();
        }
    }

    [Fact]
    public void No_grad_stops_recording_and_restores_the_previous_mode()
    {
        using var x = ones([2], requires_grad: true);
        Assert.True(is_grad_enabled());
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            using var y = x * 2;
            Assert.False(y.requires_grad);
        }
        Assert.True(is_grad_enabled());
        using var z = x * 2;
        Assert.True(z.requires_grad);
    }

    [Fact]
    public void Backward_accumulates_gradients_until_cleared()
    {
        using var x = tensor(new double[] { 1, 2, 3 }, requires_grad: true);
        for (var i = 0; i < 2; i++)
        {
            using var y = (x * x).sum();
            y.backward();
        }
        using (var g = x.grad!)
        {
            Assert.Equal([4.0, 8, 12], g.data<double>());
        }
        x.clear_grad();
        Assert.Null(x.grad);
    }

    [Fact]
    public void Cuda_is_reported_absent_on_a_cpu_only_libtorch()
    {
        Assert.False(cuda.is_available());
        Assert.Equal(0, cuda.device_count());
        var e = Assert.Throws<TorchException>(() => zeros([1], device: CUDA));
        Assert.Contains("CUDA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Libtorch_version_is_reported()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", __version__);
    }

    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("cuda", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void Devices_parse(string spec, DeviceType type, int index)
    {
        Assert.Equal(new Device(type, index), device(spec));
    }

    [Fact]
    public void Unknown_device_names_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => device("tpu"));
        Assert.Contains("tpu", e.Message, StringComparison.Ordinal);
    }
}
