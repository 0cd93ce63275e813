using System.Globalization;

namespace Dice.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>
        /// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay, computed in the same order as
        /// PyTorch's single-tensor implementation. Its state (step and both moments) can be saved and restored
        /// for an exact resume.
        /// </summary>
        public sealed class AdamW : IDisposable
        {
            private readonly IReadOnlyList<Tensor> parameters;
            private readonly Tensor?[] expAvg;
            private readonly Tensor?[] expAvgSq;

            public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
                double eps = 1e-8, double weight_decay = 1e-2)
            {
                ArgumentNullException.ThrowIfNull(parameters);
                this.parameters = parameters.ToList();
                if (lr < 0 || eps < 0 || weight_decay < 0 || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
                {
                    throw new ArgumentException(
                        $"invalid AdamW settings: lr {lr}, betas ({beta1}, {beta2}), eps {eps}, weight decay {weight_decay}");
                }
                this.lr = lr;
                this.beta1 = beta1;
                this.beta2 = beta2;
                this.eps = eps;
                this.weight_decay = weight_decay;
                expAvg = new Tensor?[this.parameters.Count];
                expAvgSq = new Tensor?[this.parameters.Count];
            }

            public double lr { get; set; }

            public double beta1 { get; }

            public double beta2 { get; }

            public double eps { get; }

            public double weight_decay { get; }

            /// <summary>Number of updates taken.</summary>
            public long step_count { get; private set; }

            public void zero_grad()
            {
                foreach (var p in parameters)
                {
                    p.clear_grad();
                }
            }

            public void step()
            {
                step_count++;
                var bias1 = 1 - Math.Pow(beta1, step_count);
                var bias2 = 1 - Math.Pow(beta2, step_count);
                var stepSize = lr / bias1;
                var bias2Sqrt = Math.Sqrt(bias2);
                using var noGrad = no_grad();
                for (var i = 0; i < parameters.Count; i++)
                {
                    var p = parameters[i];
                    using var g = p.grad;
                    if (g is null)
                    {
                        continue;
                    }
                    var m = expAvg[i] ??= zeros_like(p).DetachFromDisposeScope();
                    var v = expAvgSq[i] ??= zeros_like(p).DetachFromDisposeScope();
                    p.mul_(1 - lr * weight_decay);
                    m.mul_(beta1).add_(g, 1 - beta1);
                    v.mul_(beta2).addcmul_(g, g, 1 - beta2);
                    using var root = v.sqrt();
                    using var denom = root.div_(bias2Sqrt).add_(eps);
                    p.addcdiv_(m, denom, -stepSize);
                }
            }

            /// <summary>Copies of the moments by parameter index ("exp_avg.3", "exp_avg_sq.3") and the step count
            /// ("step", float64 scalar).</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var state = new Dictionary<string, Tensor>(StringComparer.Ordinal)
                {
                    ["step"] = tensor((double)step_count, ScalarType.Float64).DetachFromDisposeScope(),
                };
                for (var i = 0; i < parameters.Count; i++)
                {
                    var key = i.ToString(CultureInfo.InvariantCulture);
                    if (expAvg[i] is { } m && expAvgSq[i] is { } v)
                    {
                        state[$"exp_avg.{key}"] = m.clone().DetachFromDisposeScope();
                        state[$"exp_avg_sq.{key}"] = v.clone().DetachFromDisposeScope();
                    }
                }
                return state;
            }

            public void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
            {
                ArgumentNullException.ThrowIfNull(state);
                if (!state.TryGetValue("step", out var step))
                {
                    throw new InvalidOperationException("optimizer state has no 'step' entry");
                }
                for (var i = 0; i < parameters.Count; i++)
                {
                    var key = i.ToString(CultureInfo.InvariantCulture);
                    var hasM = state.TryGetValue($"exp_avg.{key}", out var m);
                    var hasV = state.TryGetValue($"exp_avg_sq.{key}", out var v);
                    if (hasM != hasV)
                    {
                        throw new InvalidOperationException($"optimizer state for parameter {key} has only one of its two moments");
                    }
                    expAvg[i]?.Dispose();
                    expAvgSq[i]?.Dispose();
                    expAvg[i] = hasM ? m!.to(parameters[i].device, parameters[i].dtype).DetachFromDisposeScope() : null;
                    expAvgSq[i] = hasV ? v!.to(parameters[i].device, parameters[i].dtype).DetachFromDisposeScope() : null;
                }
                step_count = (long)step.item();
            }

            public void Dispose()
            {
                foreach (var t in expAvg.Concat(expAvgSq))
                {
                    t?.Dispose();
                }
            }
        }
    }
}
