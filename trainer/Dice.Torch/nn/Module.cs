using Dice.Torch.Native;

namespace Dice.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A trainable leaf tensor owned by a module. Never collected by a dispose scope.</summary>
        public sealed class Parameter : Tensor
        {
            /// <summary>Takes a detached copy-free view of <paramref name="data"/> as a new leaf.</summary>
            public Parameter(Tensor data, bool requires_grad = true)
                : base(Check.Handle(NativeMethods.dt_detach(Require(data).Handle)))
            {
                DetachFromDisposeScope();
                this.requires_grad = requires_grad;
            }
        }

        /// <summary>
        /// Base of every layer and model. Children, parameters and buffers are registered by name; the dotted
        /// paths of <see cref="state_dict"/> are the checkpoint names (e.g. "down_blocks.0.resnets.1.conv1.weight").
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly List<(string Name, Module Module)> children = [];
            private readonly List<(string Name, Parameter? Parameter)> ownParameters = [];
            private readonly List<(string Name, Tensor Buffer)> ownBuffers = [];
            private bool disposed;

            protected Module(string name)
            {
                this.name = name;
            }

            public string name { get; }

            public bool training { get; private set; } = true;

            public void register_module(string name, Module module)
            {
                CheckName(name);
                ArgumentNullException.ThrowIfNull(module);
                children.Add((name, module));
            }

            /// <summary>Registers a parameter; null keeps the name reserved with no tensor (an absent bias).</summary>
            public void register_parameter(string name, Parameter? parameter)
            {
                CheckName(name);
                ownParameters.Add((name, parameter));
            }

            public void register_buffer(string name, Tensor buffer)
            {
                CheckName(name);
                ArgumentNullException.ThrowIfNull(buffer);
                buffer.DetachFromDisposeScope();
                ownBuffers.Add((name, buffer));
            }

            public IEnumerable<(string name, Module module)> named_children() => children.Select(m => (m.Name, m.Module));

            public IEnumerable<(string name, Module module)> named_modules()
            {
                yield return (string.Empty, this);
                foreach (var (childName, child) in children)
                {
                    foreach (var (n, m) in child.named_modules())
                    {
                        yield return (n.Length == 0 ? childName : $"{childName}.{n}", m);
                    }
                }
            }

            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                foreach (var (n, p) in ownParameters)
                {
                    if (p is not null)
                    {
                        yield return (n, p);
                    }
                }
                if (!recurse)
                {
                    yield break;
                }
                foreach (var (childName, child) in children)
                {
                    foreach (var (n, p) in child.named_parameters())
                    {
                        yield return ($"{childName}.{n}", p);
                    }
                }
            }

            private IEnumerable<Parameter> AllParameters() => named_parameters().Select(p => p.parameter);

            /// <summary>All parameters, recursively (TorchSharp's <c>parameters()</c>).</summary>
            public IReadOnlyList<Parameter> parameters() => AllParameters().ToList();

            public IEnumerable<(string name, Tensor buffer)> named_buffers()
            {
                foreach (var (n, b) in ownBuffers)
                {
                    yield return (n, b);
                }
                foreach (var (childName, child) in children)
                {
                    foreach (var (n, b) in child.named_buffers())
                    {
                        yield return ($"{childName}.{n}", b);
                    }
                }
            }

            /// <summary>Parameters and buffers by dotted name. The tensors are the module's own (not copies).</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var (n, p) in named_parameters())
                {
                    result[n] = p;
                }
                foreach (var (n, b) in named_buffers())
                {
                    result[n] = b;
                }
                return result;
            }

            public long parameter_count() => named_parameters().Sum(p => p.parameter.numel());

            /// <summary>
            /// Copies values in by name. With <paramref name="strict"/>, any missing or unexpected name, or any
            /// shape that differs, is an error listing every offender, and nothing is copied.
            /// </summary>
            public void load_state_dict(IReadOnlyDictionary<string, Tensor> source, bool strict = true)
            {
                ArgumentNullException.ThrowIfNull(source);
                var own = state_dict();
                var missing = own.Keys.Where(k => !source.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
                var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
                var mismatched = new List<string>();
                foreach (var (k, t) in own)
                {
                    if (source.TryGetValue(k, out var s))
                    {
                        var a = t.shape;
                        var b = s.shape;
                        if (!a.SequenceEqual(b))
                        {
                            mismatched.Add($"{k}: expected [{string.Join(", ", a)}], got [{string.Join(", ", b)}]");
                        }
                    }
                }
                var problems = new List<string>();
                if (strict && missing.Count > 0)
                {
                    problems.Add($"missing: {string.Join(", ", missing)}");
                }
                if (strict && unexpected.Count > 0)
                {
                    problems.Add($"unexpected: {string.Join(", ", unexpected)}");
                }
                if (mismatched.Count > 0)
                {
                    problems.Add($"shape mismatch: {string.Join("; ", mismatched)}");
                }
                if (problems.Count > 0)
                {
                    throw new InvalidOperationException($"state dict does not fit {GetType().Name}: {string.Join(" | ", problems)}");
                }
                using (no_grad())
                {
                    foreach (var (k, t) in own)
                    {
                        if (source.TryGetValue(k, out var s))
                        {
                            t.copy_(s);
                        }
                    }
                }
            }

            /// <summary>Moves (or casts) every parameter and buffer in place; tensors keep their identity.</summary>
            public Module to(Device device) => Apply(t => t.to(device));

            public Module to(ScalarType dtype) => Apply(t => DTypes.IsFloatingPoint(t.dtype) ? t.to(dtype) : t.alias());

            public Module to(Device device, ScalarType dtype) =>
                Apply(t => DTypes.IsFloatingPoint(t.dtype) ? t.to(device, dtype) : t.to(device));

            private Module Apply(Func<Tensor, Tensor> convert)
            {
                using (no_grad())
                {
                    foreach (var (_, t) in state_dict())
                    {
                        using var converted = convert(t);
                        t.set_data(converted);
                    }
                }
                return this;
            }

            public Module train(bool mode = true)
            {
                foreach (var (_, m) in named_modules())
                {
                    m.training = mode;
                }
                return this;
            }

            public Module eval() => train(false);

            /// <summary>Forgets every parameter's gradient.</summary>
            public void zero_grad()
            {
                foreach (var p in AllParameters())
                {
                    p.clear_grad();
                }
            }

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (disposed || !disposing)
                {
                    return;
                }
                disposed = true;
                foreach (var (_, m) in children)
                {
                    m.Dispose();
                }
                foreach (var (_, p) in ownParameters)
                {
                    p?.Dispose();
                }
                foreach (var (_, b) in ownBuffers)
                {
                    b.Dispose();
                }
            }

            private void CheckName(string name)
            {
                if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{name}' is not a valid member name (empty or dotted)", nameof(name));
                }
                if (children.Any(m => m.Name == name) || ownParameters.Any(p => p.Name == name) || ownBuffers.Any(b => b.Name == name))
                {
                    throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
                }
            }
        }

        /// <summary>A module with a forward function, as TorchSharp's <c>Module&lt;T, TResult&gt;</c>.</summary>
        public abstract class Module<T, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T input);

            public TResult call(T input) => forward(input);
        }

        /// <summary>Children named "0", "1", … as in PyTorch's ModuleList.</summary>
        public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
        {
            private readonly List<T> items = [];

            public ModuleList(params T[] modules) : base(nameof(ModuleList<T>))
            {
                ArgumentNullException.ThrowIfNull(modules);
                foreach (var m in modules)
                {
                    append(m);
                }
            }

            public void append(T module)
            {
                register_module(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
                items.Add(module);
            }

            public T this[int index] => items[index];

            public int Count => items.Count;

            public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
