using TorchSharp;
using AdamW = Dice.Trainer.Training.AdamW;

namespace Dice.Trainer.Training;

/// <summary>
/// Everything a checkpoint holds besides the step: named models (their <see cref="TorchOps"/> parameters), named
/// AdamW optimizers and named random generators. Registering does not transfer ownership: the trainer that built
/// them disposes them. Names are lower-case letters, digits, '_', '-' and '.', unique within each kind.
/// </summary>
public sealed class TrainingState
{
    private readonly List<(string Name, TorchOps Model)> models = [];
    private readonly List<(string Name, AdamW Optimizer)> optimizers = [];
    private readonly List<(string Name, torch.Generator Generator)> generators = [];

    public IReadOnlyList<(string Name, TorchOps Model)> Models => models;

    public IReadOnlyList<(string Name, AdamW Optimizer)> Optimizers => optimizers;

    public IReadOnlyList<(string Name, torch.Generator Generator)> Generators => generators;

    public TrainingState AddModel(string name, TorchOps model)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckName(name, models.Select(m => m.Name));
        models.Add((name, model));
        return this;
    }

    public TrainingState AddOptimizer(string name, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        CheckName(name, optimizers.Select(o => o.Name));
        optimizers.Add((name, optimizer));
        return this;
    }

    public TrainingState AddGenerator(string name, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckName(name, generators.Select(g => g.Name));
        generators.Add((name, generator));
        return this;
    }

    private static void CheckName(string name, IEnumerable<string> taken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.') || name[0] == '.')
        {
            throw new ArgumentException($"'{name}' is not a valid state name: use lower-case letters, digits, '_', '-' and '.'", nameof(name));
        }
        if (taken.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"the training state already has an entry named '{name}'", nameof(name));
        }
    }
}
