using System.Text.Json;
using System.Text.Json.Nodes;
using Dice.Models;
using Dice.Models.Clip;
using Dice.Models.StableDiffusion;
using Dice.Models.Unet;
using Dice.Models.Vae;
using Dice.Models.Weights;
using Dice.Core;
using Dice.Core.IO;

namespace Dice.Exporter;

/// <summary>
/// A Stable Diffusion model (diffusers weights folder, or a preset with random weights) → an ONNX model folder in
/// the Optimum / diffusers layout: text_encoder, unet, vae_decoder, vae_encoder, tokenizer, scheduler,
/// model_index.json. Every checkpoint is validated before anything is written; the folder is built beside the
/// destination and moved into place only when complete.
/// </summary>
public static class StableDiffusionConverter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<OnnxExportResult> Convert(StableDiffusionSource source, string output, ConvertOptions options,
        IProgress<ConvertProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        ArgumentNullException.ThrowIfNull(options);
        var destination = Path.GetFullPath(output);
        var unknown = options.Components.Except(ConvertOptions.AllComponents).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"unknown component(s) {string.Join(", ", unknown)}: choose from {string.Join(", ", ConvertOptions.AllComponents)}");
        }
        if ((Directory.Exists(destination) || File.Exists(destination)) && !options.Overwrite)
        {
            throw new IOException($"{destination} already exists: choose another output folder or allow overwriting");
        }
        if (!source.HasWeights && options.RandomWeightsSeed is null)
        {
            throw new InvalidOperationException($"{source.Description} has no weights: ask for random weights");
        }

        var plan = options.Components.Select(c => Plan(source, c, options.UnetInt64Timestep)).ToList();
        var opened = new List<WeightSource>();
        try
        {
            // Validate every checkpoint first: a mismatch is reported before any file is written.
            var weights = new Dictionary<string, IWeightSource>(StringComparer.Ordinal);
            foreach (var step in plan)
            {
                if (options.RandomWeightsSeed is { } seed)
                {
                    weights[step.Component] = new RandomWeightSource(seed);
                }
                else
                {
                    var checkpoint = WeightSource.Open(source.WeightsPath(step.WeightsFolder), step.Define);
                    opened.Add(checkpoint);
                    weights[step.Component] = new CheckpointWeightSource(checkpoint);
                }
            }
            return Write(source, destination, options, plan, weights, progress);
        }
        finally
        {
            foreach (var w in opened)
            {
                w.Dispose();
            }
        }
    }

    private static List<OnnxExportResult> Write(StableDiffusionSource source, string destination, ConvertOptions options,
        IReadOnlyList<ComponentPlan> plan, IReadOnlyDictionary<string, IWeightSource> weights, IProgress<ConvertProgress>? progress)
    {
        var parent = Path.GetDirectoryName(destination) ?? ".";
        Directory.CreateDirectory(parent);
        var staging = AtomicFile.TempPath(destination);
        Directory.CreateDirectory(staging);
        try
        {
            var total = plan.Sum(p => p.Parameters.Sum(s => s.ElementCount));
            long done = 0;
            var results = new List<OnnxExportResult>();
            foreach (var step in plan)
            {
                var folder = Path.Combine(staging, step.Component);
                Directory.CreateDirectory(folder);
                var exportOptions = new OnnxExportOptions
                {
                    Precision = options.Precision,
                    Progress = progress is null ? null : new InlineProgress<ParameterSpec>(p =>
                    {
                        done += p.ElementCount;
                        progress.Report(new ConvertProgress(step.Component, done, total));
                    }),
                };
                results.Add(step.Export(Path.Combine(folder, "model.onnx"), weights[step.Component], exportOptions));
                File.WriteAllText(Path.Combine(folder, "config.json"), step.ConfigJson);
            }
            CopyTokenizer(source.TokenizerDirectory, Path.Combine(staging, StableDiffusionSource.TokenizerFolder));
            var schedulerFolder = Path.Combine(staging, StableDiffusionSource.SchedulerFolder);
            Directory.CreateDirectory(schedulerFolder);
            File.WriteAllText(Path.Combine(schedulerFolder, StableDiffusionSource.SchedulerConfigFile), source.SchedulerConfigJson);
            File.WriteAllText(Path.Combine(staging, "model_index.json"), ModelIndex(source.SchedulerConfigJson, plan));

            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true);
            }
            else if (File.Exists(destination))
            {
                File.Delete(destination);
            }
            Directory.Move(staging, destination);
            return results.Select(r => r with
            {
                ModelPath = Rebase(r.ModelPath, staging, destination),
                DataPath = r.DataPath is null ? null : Rebase(r.DataPath, staging, destination),
            }).ToList();
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            throw;
        }
    }

    private static string Rebase(string path, string from, string to) => Path.Combine(to, Path.GetRelativePath(from, path));

    private static void CopyTokenizer(string from, string to)
    {
        foreach (var required in new[] { "vocab.json", "merges.txt" })
        {
            if (!File.Exists(Path.Combine(from, required)))
            {
                throw new FileNotFoundException($"tokenizer file {Path.Combine(from, required)} is missing");
            }
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>diffusers' OnnxStableDiffusionPipeline index: which library and class loads each part.</summary>
    private static string ModelIndex(string schedulerConfigJson, IReadOnlyList<ComponentPlan> plan)
    {
        var scheduler = JsonNode.Parse(schedulerConfigJson)?["_class_name"]?.GetValue<string>() ?? "PNDMScheduler";
        var index = new JsonObject
        {
            ["_class_name"] = "OnnxStableDiffusionPipeline",
            ["_diffusers_version"] = "0.30.0",
            ["feature_extractor"] = new JsonArray(null, null),
            ["requires_safety_checker"] = false,
            ["safety_checker"] = new JsonArray(null, null),
            ["scheduler"] = new JsonArray("diffusers", scheduler),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
        };
        foreach (var step in plan)
        {
            index[step.Component] = new JsonArray("diffusers", "OnnxRuntimeModel");
        }
        return index.ToJsonString(Indented);
    }

    private sealed record ComponentPlan(
        string Component,
        string WeightsFolder,
        Action<ITensorOps<ParameterInventory.Declared>> Define,
        IReadOnlyList<ParameterSpec> Parameters,
        string ConfigJson,
        Func<string, IWeightSource, OnnxExportOptions, OnnxExportResult> Export);

    private static ComponentPlan Plan(StableDiffusionSource source, string component, bool unetInt64Timestep)
    {
        Action<ITensorOps<ParameterInventory.Declared>> clip = ops => _ = new ClipTextModel<ParameterInventory.Declared>(ops, source.TextEncoder);
        Action<ITensorOps<ParameterInventory.Declared>> unet = ops => _ = new UNet2DConditionModel<ParameterInventory.Declared>(ops, source.Unet);
        Action<ITensorOps<ParameterInventory.Declared>> vae = ops => _ = new AutoencoderKL<ParameterInventory.Declared>(ops, source.Vae);
        return component switch
        {
            ComponentExporter.TextEncoder => new ComponentPlan(component, StableDiffusionSource.TextEncoderFolder, clip,
                ParameterInventory.Of(clip), source.TextEncoder.ToJson(),
                (path, w, o) => ComponentExporter.ExportTextEncoder(path, source.TextEncoder, w, o)),
            ComponentExporter.Unet => new ComponentPlan(component, StableDiffusionSource.UnetFolder, unet,
                ParameterInventory.Of(unet), source.Unet.ToJson(),
                (path, w, o) => ComponentExporter.ExportUnet(path, source.Unet, w, o, unetInt64Timestep)),
            ComponentExporter.VaeDecoder => new ComponentPlan(component, StableDiffusionSource.VaeFolder, vae,
                ParameterInventory.Of(ops => _ = new VaeDecoder<ParameterInventory.Declared>(ops, source.Vae)), source.Vae.ToJson(),
                (path, w, o) => ComponentExporter.ExportVaeDecoder(path, source.Vae, w, o)),
            ComponentExporter.VaeEncoder => new ComponentPlan(component, StableDiffusionSource.VaeFolder, vae,
                ParameterInventory.Of(ops => _ = new VaeEncoder<ParameterInventory.Declared>(ops, source.Vae)), source.Vae.ToJson(),
                (path, w, o) => ComponentExporter.ExportVaeEncoder(path, source.Vae, w, o)),
            _ => throw new ArgumentException($"unknown component {component}", nameof(component)),
        };
    }
}
