using Dice.Torch.Native;
using static Dice.Torch.torch;

namespace Dice.Torch.Tests;

/// <summary>Native failures surface as .NET exceptions with readable messages; the process carries on.</summary>
public class ErrorHandlingTests
{
    [Fact]
    public void Freeing_a_handle_twice_is_an_exception_not_a_crash()
    {
        using var t = zeros([3]);
        var raw = NativeMethods.dt_alias(t.Handle);
        Check.Status(NativeMethods.dt_free(raw));
        var e = Assert.Throws<TorchException>(() => Check.Status(NativeMethods.dt_free(raw)));
        Assert.Contains("not live", e.Message, StringComparison.Ordinal);
        // Still usable afterwards.
        Assert.Equal([0f, 0, 0], t.data<float>());
    }

    [Fact]
    public void Using_a_freed_handle_is_an_exception()
    {
        using var t = zeros([3]);
        var raw = NativeMethods.dt_alias(t.Handle);
        Check.Status(NativeMethods.dt_free(raw));
        var e = Assert.Throws<TorchException>(() => Check.Handle(NativeMethods.dt_unary((int)UnaryOp.Exp, raw)));
        Assert.Contains("not live", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_tensor_says_so()
    {
        var t = zeros([3]);
        t.Dispose();
        t.Dispose(); // idempotent, as Dispose must be
        Assert.Throws<ObjectDisposedException>(() => t.shape);
    }

    [Fact]
    public void Mismatched_shapes_raise_a_readable_message()
    {
        using var a = zeros([2, 3]);
        using var b = zeros([2, 3]);
        var e = Assert.Throws<TorchException>(() => a.matmul(b));
        Assert.Contains("2x3", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception raised from", e.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<TorchException>(() => a + zeros([4]));
        Assert.Contains("size of tensor", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_convolution_is_reported_with_the_shapes()
    {
        using var x = zeros([1, 3, 8, 8]);
        using var w = zeros([4, 5, 3, 3]);
        var e = Assert.Throws<TorchException>(() => nn.functional.conv2d(x, w));
        Assert.Contains("channels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_native_library_names_itself_and_the_fix()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "libdice_torch.so");
        var e = Assert.Throws<TorchNativeLibraryException>(() => TorchNativeLibrary.Load([path]));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/setup.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_native_library_reports_the_loader_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not an ELF file");
        try
        {
            var e = Assert.Throws<TorchNativeLibraryException>(() => TorchNativeLibrary.Load([path]));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("libtorch-dev", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Wrong_data_length_for_a_shape_is_rejected_before_reaching_native_code()
    {
        var e = Assert.Throws<ArgumentException>(() => tensor(new float[5], [2, 3]));
        Assert.Contains("6", e.Message, StringComparison.Ordinal);
    }
}
