namespace Dice.Core.Schedulers;

/// <summary>
/// Builds a scheduler by name from a model's scheduler configuration. The names are those web UIs and diffusers
/// users give the samplers ("DPM++ 2M Karras" is <c>dpmpp-2m-karras</c>, "Euler a" is <c>euler-a</c>).
/// </summary>
public static class SchedulerFactory
{
    /// <summary>DPM-Solver++ 2M: <see cref="DpmSolverMultistepScheduler"/> (the default).</summary>
    public const string DpmPlusPlus2M = "dpmpp-2m";

    /// <summary>DPM-Solver++ 2M with Karras sigmas: <see cref="DpmSolverMultistepScheduler"/>, use_karras_sigmas.</summary>
    public const string DpmPlusPlus2MKarras = "dpmpp-2m-karras";

    /// <summary>DPM-Solver++ 2M SDE: <see cref="DpmSolverMultistepScheduler"/>, algorithm_type sde-dpmsolver++ (stochastic).</summary>
    public const string DpmPlusPlus2MSde = "dpmpp-2m-sde";

    /// <summary>DPM-Solver++ 2M SDE with Karras sigmas (stochastic).</summary>
    public const string DpmPlusPlus2MSdeKarras = "dpmpp-2m-sde-karras";

    /// <summary>Euler: <see cref="EulerDiscreteScheduler"/>.</summary>
    public const string Euler = "euler";

    /// <summary>Euler with Karras sigmas: <see cref="EulerDiscreteScheduler"/>, use_karras_sigmas.</summary>
    public const string EulerKarras = "euler-karras";

    /// <summary>Euler ancestral ("Euler a"): <see cref="EulerAncestralDiscreteScheduler"/> (stochastic).</summary>
    public const string EulerAncestral = "euler-a";

    /// <summary>DDIM: <see cref="DdimScheduler"/> (stochastic when η &gt; 0).</summary>
    public const string Ddim = "ddim";

    /// <summary>PNDM's PLMS steps ("PLMS"): <see cref="PndmScheduler"/>, skip_prk_steps as Stable Diffusion 1.x configures it.</summary>
    public const string Pndm = "pndm";

    /// <summary>The names <see cref="Create"/> accepts (case-insensitively).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        DpmPlusPlus2M, DpmPlusPlus2MKarras, DpmPlusPlus2MSde, DpmPlusPlus2MSdeKarras,
        Euler, EulerKarras, EulerAncestral, Ddim, Pndm,
    ];

    /// <summary>
    /// The scheduler called <paramref name="name"/> (case-insensitive), configured from <paramref name="config"/> as
    /// diffusers configures a scheduler a pipeline switches to: keys present in the configuration carry over, absent
    /// ones take that scheduler's own defaults. A <c>-karras</c> name sets use_karras_sigmas; a plain name keeps the
    /// configuration's. The DPM-Solver++ names set algorithm_type (dpmsolver++ or sde-dpmsolver++).
    /// <paramref name="eta"/> is DDIM's η (diffusers passes it to the pipeline, not the configuration); the other
    /// schedulers ignore it, as diffusers' pipelines do.
    /// </summary>
    /// <remarks>
    /// A scheduler whose <see cref="IStochasticScheduler.IsStochastic"/> is true needs its noise source:
    /// <see cref="Sampling.DenoisingLoop.Run"/> hands it the one it is given.
    /// </remarks>
    public static INoiseScheduler Create(string name, SchedulerConfig config, double eta = 0.0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        switch (name.ToLowerInvariant())
        {
            case DpmPlusPlus2M:
                return new DpmSolverMultistepScheduler(config with { AlgorithmType = DpmAlgorithm(config, "dpmsolver++") });
            case DpmPlusPlus2MKarras:
                return new DpmSolverMultistepScheduler(config with
                {
                    AlgorithmType = DpmAlgorithm(config, "dpmsolver++"),
                    UseKarrasSigmas = true,
                });
            case DpmPlusPlus2MSde:
                return new DpmSolverMultistepScheduler(config with { AlgorithmType = "sde-dpmsolver++" });
            case DpmPlusPlus2MSdeKarras:
                return new DpmSolverMultistepScheduler(config with { AlgorithmType = "sde-dpmsolver++", UseKarrasSigmas = true });
            case Euler:
                return new EulerDiscreteScheduler(config);
            case EulerKarras:
                return new EulerDiscreteScheduler(config with { UseKarrasSigmas = true });
            case EulerAncestral:
                return new EulerAncestralDiscreteScheduler(config);
            case Ddim:
                return new DdimScheduler(config, eta);
            case Pndm or "plms":
                return new PndmScheduler(config);
            default:
                throw new ArgumentException($"unknown scheduler '{name}': the schedulers are {string.Join(", ", Names)}", nameof(name));
        }
    }

    /// <summary>The ODE names keep DEIS's "deis" (read as dpmsolver++) and any other value the constructor should judge.</summary>
    private static string DpmAlgorithm(SchedulerConfig config, string fallback) =>
        config.AlgorithmType is null or "sde-dpmsolver++" ? fallback : config.AlgorithmType;
}
