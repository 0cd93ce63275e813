namespace Dice.Torch;

/// <summary>
/// Collects the tensors created on this thread while it is the innermost open scope and disposes them with
/// itself, so a training step frees its intermediates deterministically instead of waiting for the GC.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static List<DisposeScope>? open;

    private readonly HashSet<torch.Tensor> owned = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    private DisposeScope() { }

    /// <summary>Tensors this scope will dispose.</summary>
    public int Count => owned.Count;

    internal static DisposeScope Open()
    {
        var scope = new DisposeScope();
        (open ??= []).Add(scope);
        return scope;
    }

    internal static DisposeScope? Current => open is { Count: > 0 } ? open[^1] : null;

    internal static void Register(torch.Tensor tensor)
    {
        var scope = Current;
        if (scope is not null)
        {
            scope.owned.Add(tensor);
            tensor.Scope = scope;
        }
    }

    internal void Release(torch.Tensor tensor)
    {
        owned.Remove(tensor);
        tensor.Scope = null;
    }

    /// <summary>The scope enclosing this one on the same thread, if any.</summary>
    internal DisposeScope? Outer()
    {
        if (open is null)
        {
            return null;
        }
        var i = open.IndexOf(this);
        return i > 0 ? open[i - 1] : null;
    }

    internal void Adopt(torch.Tensor tensor)
    {
        owned.Add(tensor);
        tensor.Scope = this;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        open?.Remove(this);
        foreach (var t in owned)
        {
            t.Scope = null;
            t.Dispose();
        }
        owned.Clear();
    }
}
