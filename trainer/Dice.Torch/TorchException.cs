namespace Dice.Torch;

/// <summary>An error reported by libtorch (a bad shape, a freed tensor, an unsupported dtype …).</summary>
public class TorchException : Exception
{
    public TorchException() { }

    public TorchException(string message) : base(message) { }

    public TorchException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The native shim (libdice_torch.so) or one of the libtorch libraries it needs is missing.</summary>
public class TorchNativeLibraryException : DllNotFoundException
{
    public TorchNativeLibraryException() { }

    public TorchNativeLibraryException(string message) : base(message) { }

    public TorchNativeLibraryException(string message, Exception inner) : base(message, inner) { }
}
