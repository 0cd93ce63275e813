using Dice.Tests.Shared;

namespace Dice.Cli.Tests;

/// <summary>
/// Bad input over every verb, as a user types it or as a model folder holds it: each row must exit with code 2, print
/// exactly one line on stderr that starts with "dice: " and names the problem (<c>expect</c>), and write nothing, in
/// the working folder, the output folder, a private HOME and TMPDIR, or the input folders.
/// </summary>
public sealed class BadInputTests(BadInputTests.Inputs inputs) : IClassFixture<BadInputTests.Inputs>
{
    /// <summary>
    /// Rows: a name, the arguments (with {mini}: the embedded dice-mini, {weights}: a copy of its weights folder,
    /// {in}: the folder of broken inputs below, {out}: an empty output folder), a text the stderr line must contain,
    /// and extra environment variables as NAME=VALUE (or "").
    /// </summary>
    public static TheoryData<string, string[], string, string> Rows => new()
    {
        // Parse errors: one line naming the option, for every verb.
        { "generate-seed-negative", ["generate", "a cat", "--seed", "-1", "--out", "{out}/a.png"], "generate: --seed", "" },
        { "generate-guidance-text", ["generate", "a cat", "--guidance", "abc", "--out", "{out}/a.png"], "--guidance 'abc' is not a number", "" },
        { "generate-unknown-option", ["generate", "a cat", "--frobnicate", "--out", "{out}/a.png"], "unknown option '--frobnicate'", "" },
        { "generate-steps-no-value", ["generate", "a cat", "--out", "{out}/a.png", "--steps"], "--steps needs a value", "" },
        { "generate-batch-text", ["generate", "a cat", "--batch", "two", "--out", "{out}/a.png"], "--batch 'two'", "" },
        { "generate-height-overflow", ["generate", "a cat", "--height", "99999999999", "--out", "{out}/a.png"], "--height", "" },
        { "export-no-sharpener", ["export", "--model", "{out}/m"], "--sharpener is required", "" },
        { "export-unknown-option", ["export", "--sharpener", "{in}/nothing", "--model", "{out}/m", "--fast"], "unknown option '--fast'", "" },
        { "convert-no-out", ["convert", "{weights}"], "--out is required", "" },
        { "convert-seed-text", ["convert", "--preset", "sd15", "--random-weights", "--seed", "x", "--out", "{out}/c"], "--seed 'x'", "" },
        { "inspect-no-folder", ["inspect"], "inspect: the MODEL argument is missing", "" },
        { "inspect-unknown-option", ["inspect", "{mini}", "--yaml"], "unknown option '--yaml'", "" },
        { "info-unknown-option", ["info", "--verbose"], "unknown option '--verbose'", "" },
        { "train-no-teacher", ["train", "--data", "{in}/nothing", "--out", "{out}/s"], "--teacher is required", "" },
        { "train-steps-text", ["train", "--teacher", "{weights}", "--data", "{in}/nothing", "--out", "{out}/s", "--steps", "many"], "--steps 'many'", "" },
        { "train-lr-text", ["train", "--teacher", "{weights}", "--data", "{in}/nothing", "--out", "{out}/s", "--lr", "fast"], "--lr 'fast'", "" },
        { "mini-no-out", ["mini", "--scale", "smoke"], "--out is required", "" },
        { "mini-seed-negative", ["mini", "--out", "{out}/m", "--seed", "-5"], "--seed", "" },
        { "eval-count-text", ["eval", "--count", "ten", "--out", "{out}/e"], "--count 'ten'", "" },
        { "eval-unknown-option", ["eval", "--fid", "--out", "{out}/e"], "unknown option '--fid'", "" },
        { "data-no-out", ["data", "--count", "3"], "--out is required", "" },
        { "data-count-real", ["data", "--count", "2.5", "--out", "{out}/d"], "--count '2.5'", "" },
        { "half-no-folder", ["half"], "half: the FOLDER argument is missing", "" },
        { "half-unknown-option", ["half", "{out}", "--bf16"], "unknown option '--bf16'", "" },
        { "tune-no-weights", ["tune", "--steps", "2"], "--weights is required", "" },
        { "tune-batch-text", ["tune", "--weights", "{weights}", "--batch", "big"], "--batch 'big'", "" },
        { "generate-seed-twice", ["generate", "a cat", "--seed", "1", "--seed", "2", "--out", "{out}/a.png"], "--seed is given more than once", "" },
        { "convert-nothing-to-convert", ["convert", "--out", "{out}/c"], "give a diffusers weights folder", "" },
        { "unknown-verb", ["frobnicate"], "verb 'frobnicate' is not recognized", "" },
        { "no-verb", [], "no verb given", "" },

        // generate: numbers out of range, refused before any model is loaded.
        { "generate-steps-zero", ["generate", "a cat", "--steps", "0", "--out", "{out}/a.png"], "--steps 0", "" },
        { "generate-steps-negative", ["generate", "a cat", "--steps", "-3", "--out", "{out}/a.png"], "--steps -3", "" },
        { "generate-steps-beyond-training", ["generate", "a cat", "--steps", "5000", "--out", "{out}/a.png"], "1 to 1000", "" },
        { "generate-height-huge", ["generate", "a cat", "--height", "100000", "--out", "{out}/a.png"], "--height 100000", "" },
        { "generate-height-odd", ["generate", "a cat", "--height", "100", "--out", "{out}/a.png"], "--height 100", "" },
        { "generate-width-zero", ["generate", "a cat", "--width", "0", "--out", "{out}/a.png"], "--width 0", "" },
        { "generate-height-negative", ["generate", "a cat", "--height", "-16", "--out", "{out}/a.png"], "--height -16", "" },
        { "generate-batch-zero", ["generate", "a cat", "--batch", "0", "--out", "{out}/a.png"], "--batch 0", "" },
        { "generate-batch-negative", ["generate", "a cat", "--batch", "-2", "--out", "{out}/a.png"], "--batch -2", "" },
        { "generate-guidance-nan", ["generate", "a cat", "--guidance", "NaN", "--out", "{out}/a.png"], "--guidance NaN", "" },
        { "generate-alpha-infinite", ["generate", "a cat", "--alpha", "Infinity", "--out", "{out}/a.png"], "--alpha", "" },
        { "generate-beta-infinite", ["generate", "a cat", "--beta=-Infinity", "--out", "{out}/a.png"], "--beta -Infinity: give a finite number", "" },
        { "generate-dash-value-read-as-options", ["generate", "a cat", "--beta", "-Infinity", "--out", "{out}/a.png"], "unknown option", "" },
        { "generate-strength-nan", ["generate", "a cat", "--strength", "NaN", "--out", "{out}/a.png"], "--strength NaN", "" },

        // generate: requests too large for memory, refused with the estimate, the limit and the way out.
        { "generate-batch-million", ["generate", "a cat", "--batch", "1000000", "--out", "{out}/a.png"], "use a smaller --height/--width or --batch", "" },
        { "generate-2048-square", ["generate", "a cat", "--height", "2048", "--width", "2048", "--out", "{out}/a.png"], "TB (estimated)", "" },
        { "generate-over-set-limit", ["generate", "a cat", "--out", "{out}/a.png"], "DICE_MEMORY_LIMIT", "DICE_MEMORY_LIMIT=1000" },
        // 10^6 images of 32×32 pass a limit of 9·10^18 bytes, but their 3·32·32·10^6 pixel values exceed one .NET array.
        { "generate-batch-beyond-one-array", ["generate", "a cat", "--batch", "1000000", "--out", "{out}/a.png"], "more values than one array can", "DICE_MEMORY_LIMIT=9000000000000000000" },
        { "generate-limit-not-a-number", ["generate", "a cat", "--out", "{out}/a.png"], "DICE_MEMORY_LIMIT=lots", "DICE_MEMORY_LIMIT=lots" },

        // generate: other options.
        { "generate-no-prompt", ["generate", "--out", "{out}/a.png"], "no prompt given", "" },
        { "generate-out-not-png", ["generate", "a cat", "--out", "{out}/a.jpg"], "must name a .png file", "" },
        { "generate-mode-unknown", ["generate", "a cat", "--mode", "turbo", "--out", "{out}/a.png"], "unknown --mode 'turbo'", "" },
        { "generate-noise-unknown", ["generate", "a cat", "--noise", "pink", "--out", "{out}/a.png"], "unknown --noise 'pink'", "" },
        { "generate-ep-unknown", ["generate", "a cat", "--ep", "tpu", "--out", "{out}/a.png"], "unknown --ep 'tpu'", "" },
        { "generate-scheduler-unknown", ["generate", "a cat", "--scheduler", "lms", "--out", "{out}/a.png"], "lms", "" },
        { "generate-model-missing", ["generate", "a cat", "--model", "{in}/nothing", "--out", "{out}/a.png"], "does not exist", "" },
        { "generate-model-not-a-model", ["generate", "a cat", "--model", "{in}/empty", "--out", "{out}/a.png"], "is not an ONNX model folder", "" },
        { "generate-default-model-missing", ["generate", "a cat", "--out", "{out}/a.png"], "the default model is not at", "DICE_MODEL={in}/nothing" },
        { "generate-latents-missing", ["generate", "a cat", "--latents", "{in}/nothing.npy", "--out", "{out}/a.png"], "nothing.npy", "" },
        { "generate-latents-corrupt", ["generate", "a cat", "--latents", "{in}/broken.png", "--out", "{out}/a.png"], "broken.png", "" },
        { "generate-init-image-missing", ["generate", "a cat", "--init-image", "{in}/nothing.png", "--out", "{out}/a.png"], "nothing.png", "" },
        { "generate-init-image-corrupt", ["generate", "a cat", "--init-image", "{in}/broken.png", "--out", "{out}/a.png"], "broken.png", "" },
        { "generate-strength-without-image", ["generate", "a cat", "--strength", "0.5", "--out", "{out}/a.png"], "--strength is for image-to-image", "" },
        { "generate-from-missing", ["generate", "--from", "{in}/nothing.json", "--out", "{out}/a.png"], "nothing.json", "" },
        { "generate-from-huge-batch", ["generate", "--from", "{in}/huge-batch.json", "--model", "{mini}", "--out", "{out}/a.png"], "1000000 image(s) of 32×32 need about", "" },
        { "generate-from-with-steps", ["generate", "--from", "{in}/nothing.json", "--steps", "5", "--out", "{out}/a.png"], "drop --steps", "" },
        { "generate-compare-with-mode", ["generate", "a cat", "--compare", "--mode", "cfg", "--out", "{out}/a.png"], "drop --mode", "" },
        { "generate-clip-skip", ["generate", "a cat", "--clip-skip", "2", "--out", "{out}/a.png"], "clip skip", "" },
        { "generate-eta-not-ddim", ["generate", "a cat", "--eta", "0.5", "--out", "{out}/a.png"], "eta", "" },
        { "generate-rescale-beyond-one", ["generate", "a cat", "--mode", "cfg", "--guidance-rescale", "2", "--out", "{out}/a.png"], "guidance rescale", "" },
        { "generate-beta-negative", ["generate", "a cat", "--negative-prompt", "a dog", "--beta", "-1", "--out", "{out}/a.png"], "beta", "" },

        // generate: broken model folders, named by file (and key).
        { "generate-unet-corrupt", ["generate", "a cat", "--model", "{in}/corrupt-unet", "--out", "{out}/a.png"], "unet/model.onnx", "" },
        { "generate-text-encoder-corrupt", ["generate", "a cat", "--model", "{in}/corrupt-text-encoder", "--mode", "cfg", "--out", "{out}/a.png"], "text_encoder/model.onnx", "" },
        { "generate-vae-corrupt", ["generate", "a cat", "--model", "{in}/corrupt-vae", "--out", "{out}/a.png"], "vae_decoder/model.onnx", "" },
        { "generate-dice-encoder-corrupt", ["generate", "a cat", "--model", "{in}/corrupt-dice", "--out", "{out}/a.png"], "text_encoder_dice/model.onnx", "" },
        { "generate-scheduler-negative-timesteps", ["generate", "a cat", "--model", "{in}/scheduler-negative", "--out", "{out}/a.png"], "scheduler_config.json: 'num_train_timesteps'", "" },
        { "generate-scheduler-beta-reversed", ["generate", "a cat", "--model", "{in}/scheduler-reversed", "--out", "{out}/a.png"], "scheduler_config.json: 'beta_end'", "" },
        { "generate-scheduler-wrong-type", ["generate", "a cat", "--model", "{in}/scheduler-type", "--out", "{out}/a.png"], "scheduler_config.json: 'beta_start'", "" },
        { "generate-scheduler-not-json", ["generate", "a cat", "--model", "{in}/scheduler-text", "--out", "{out}/a.png"], "scheduler_config.json: not valid JSON", "" },
        { "generate-unet-config-wrong-type", ["generate", "a cat", "--model", "{in}/unet-config-type", "--out", "{out}/a.png"], "unet/config.json: 'block_out_channels'", "" },

        // export, convert, inspect, half, data, mini, eval, train, tune: bad values and missing inputs.
        { "export-sharpener-missing", ["export", "--sharpener", "{in}/nothing", "--model", "{in}/empty"], "nothing", "" },
        { "convert-weights-missing", ["convert", "{in}/nothing", "--out", "{out}/c"], "nothing", "" },
        { "convert-dtype-unknown", ["convert", "{weights}", "--dtype", "fp8", "--out", "{out}/c"], "fp8", "" },
        { "convert-preset-unknown", ["convert", "--preset", "sdxl", "--random-weights", "--out", "{out}/c"], "sdxl", "" },
        { "convert-component-unknown", ["convert", "{weights}", "--components", "unet,refiner", "--out", "{out}/c"], "refiner", "" },
        { "inspect-unet-corrupt", ["inspect", "{in}/corrupt-unet"], "unet/model.onnx is not a valid ONNX model", "" },
        { "export-sharpener-config-empty", ["export", "--sharpener", "{in}/bad-sharpener", "--model", "{in}/corrupt-vae", "--force"], "bad-sharpener/config.json", "" },
        { "eval-unet-corrupt", ["eval", "--model", "{in}/corrupt-unet", "--count", "1", "--out", "{out}/e"], "unet/model.onnx", "" },
        { "inspect-folder-missing", ["inspect", "{in}/nothing"], "nothing", "" },
        { "inspect-not-a-model", ["inspect", "{in}/empty"], "empty", "" },
        { "half-folder-missing", ["half", "{in}/nothing"], "nothing", "" },
        { "data-split-unknown", ["data", "--split", "test", "--count", "2", "--out", "{out}/d"], "test", "" },
        { "data-count-negative", ["data", "--count", "-5", "--out", "{out}/d"], "--count", "" },
        { "data-image-size-zero", ["data", "--count", "2", "--image-size", "0", "--out", "{out}/d"], "--image-size", "" },
        { "mini-scale-unknown", ["mini", "--scale", "huge", "--out", "{out}/m"], "huge", "" },
        { "mini-device-unknown", ["mini", "--scale", "smoke", "--device", "tpu", "--out", "{out}/m"], "tpu", "" },
        { "eval-count-zero", ["eval", "--count", "0", "--out", "{out}/e"], "--count", "" },
        { "eval-batch-zero", ["eval", "--batch", "0", "--out", "{out}/e"], "--batch", "" },
        { "eval-scales-text", ["eval", "--scales", "a,b", "--out", "{out}/e"], "--scales", "" },
        { "eval-ep-unknown", ["eval", "--ep", "tpu", "--out", "{out}/e"], "tpu", "" },
        { "eval-model-missing", ["eval", "--model", "{in}/nothing", "--out", "{out}/e"], "nothing", "" },
        { "train-teacher-missing", ["train", "--teacher", "{in}/nothing", "--data", "{in}/empty", "--out", "{out}/s"], "nothing", "" },
        { "train-steps-zero", ["train", "--teacher", "{weights}", "--data", "{in}/empty", "--out", "{out}/s", "--steps", "0"], "--steps", "" },
        { "train-device-unknown", ["train", "--teacher", "{weights}", "--data", "{in}/empty", "--out", "{out}/s", "--device", "tpu"], "tpu", "" },
        { "train-precision-unknown", ["train", "--teacher", "{weights}", "--data", "{in}/empty", "--out", "{out}/s", "--teacher-precision", "fp8"], "fp8", "" },
        { "train-vae-sample-unknown", ["train", "--teacher", "{weights}", "--data", "{in}/empty", "--out", "{out}/s", "--vae-sample", "mode"], "mode", "" },
        { "train-snr-cap-negative", ["train", "--teacher", "{weights}", "--data", "{in}/empty", "--out", "{out}/s", "--snr-cap", "-1"], "--snr-cap", "" },
        { "train-validation-steps-negative", ["train", "--teacher", "{weights}", "--data", "{in}/empty", "--out", "{out}/s", "--validation-steps", "-1"], "--validation-steps", "" },
        { "tune-weights-missing", ["tune", "--weights", "{in}/nothing"], "nothing", "" },
        { "tune-steps-zero", ["tune", "--weights", "{weights}", "--steps", "0"], "--steps", "" },
        { "tune-caption-noise-beyond-one", ["tune", "--weights", "{weights}", "--caption-noise", "2"], "--caption-noise", "" },
        { "tune-snr-cap-zero", ["tune", "--weights", "{weights}", "--snr-cap", "0"], "--snr-cap", "" },
        { "tune-device-unknown", ["tune", "--weights", "{weights}", "--device", "tpu"], "tpu", "" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Is_refused_with_exit_2_one_line_and_nothing_written(string name, string[] args, string expect, string environment)
    {
        using var row = new TempDirectory();
        var work = Directory.CreateDirectory(row.File("work")).FullName;
        var output = Directory.CreateDirectory(row.File("out")).FullName;
        var home = Directory.CreateDirectory(row.File("home")).FullName;
        var tmp = Directory.CreateDirectory(row.File("tmp")).FullName;
        var env = new Dictionary<string, string> { ["HOME"] = home, ["TMPDIR"] = tmp };
        if (environment.Length > 0)
        {
            var eq = environment.IndexOf('=', StringComparison.Ordinal);
            env[environment[..eq]] = Expand(environment[(eq + 1)..], output);
        }
        var watched = new[] { row.Path, inputs.Root, inputs.DiceMini };
        var before = watched.Select(Snapshot).ToList();

        var r = DiceProcess.Run(args.Select(a => Expand(a, output)), env, unset: ["DICE_MODEL", GenerationMemoryVariable],
            workingDirectory: work);

        Assert.True(r.ExitCode == 2, $"{name}: exit {r.ExitCode}, stderr: {r.Stderr}");
        var lines = r.Stderr.Split('\n');
        Assert.True(lines.Length == 2 && lines[1].Length == 0, $"{name}: stderr is not exactly one line: {r.Stderr}");
        Assert.StartsWith("dice: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(Expand(expect, output), lines[0], StringComparison.Ordinal);
        for (var i = 0; i < watched.Length; i++)
        {
            var after = Snapshot(watched[i]);
            var changed = after.Except(before[i]).Concat(before[i].Except(after)).ToList();
            Assert.True(changed.Count == 0, $"{name} wrote to {watched[i]}: {string.Join("; ", changed)}");
        }
    }

    private const string GenerationMemoryVariable = "DICE_MEMORY_LIMIT";

    private string Expand(string text, string output) => text
        .Replace("{mini}", inputs.DiceMini, StringComparison.Ordinal)
        .Replace("{weights}", inputs.Weights, StringComparison.Ordinal)
        .Replace("{in}", inputs.Root, StringComparison.Ordinal)
        .Replace("{out}", output, StringComparison.Ordinal);

    /// <summary>
    /// Every folder under <paramref name="root"/>, and every file with its size and last write time. A folder's own
    /// time is left out: .NET's diagnostics socket comes and goes in TMPDIR while any process runs, and leaves nothing.
    /// </summary>
    private static List<string> Snapshot(string root) => Directory
        .EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
        .Select(p => new FileInfo(p))
        .Select(f => f.Attributes.HasFlag(FileAttributes.Directory) ? $"{f.FullName}/" : $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}")
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// Broken inputs, made once: copies of the embedded dice-mini with one damaged file each, an empty folder, a file
    /// that is not an image, and a copy of dice-mini's weights folder (so that no row can touch the shipped one).
    /// </summary>
    public sealed class Inputs : IDisposable
    {
        private readonly TempDirectory folder = new();

        public Inputs()
        {
            Root = folder.Path;
            DiceMini = Path.Combine(AppContext.BaseDirectory, "onnx-models", "dice-mini");
            Weights = Path.Combine(Root, "weights");
            Copy(Path.Combine(DiceMini, "weights"), Weights);
            Directory.CreateDirectory(Path.Combine(Root, "empty"));
            File.WriteAllText(Path.Combine(Root, "broken.png"), "this is not a PNG");
            // A sidecar edited to a million images per prompt.
            File.WriteAllText(Path.Combine(Root, "huge-batch.json"), """
                { "mode": "dice", "prompt": "a cat", "images_per_prompt": 1000000, "image_index": 0, "steps": 20,
                  "scheduler": "dpmpp-2m", "seed": 0, "height": 32, "width": 32 }
                """);
            var sharpener = Directory.CreateDirectory(Path.Combine(Root, "bad-sharpener")).FullName;
            File.WriteAllText(Path.Combine(sharpener, "config.json"), "{}");
            File.WriteAllText(Path.Combine(sharpener, "sharpener.safetensors"), "not safetensors");
            var garbage = new byte[4096];
            new Random(20).NextBytes(garbage);
            Model("corrupt-unet", f => File.WriteAllBytes(Path.Combine(f, "unet", "model.onnx"), garbage));
            Model("corrupt-text-encoder", f => File.WriteAllBytes(Path.Combine(f, "text_encoder", "model.onnx"), garbage));
            Model("corrupt-vae", f => File.WriteAllBytes(Path.Combine(f, "vae_decoder", "model.onnx"), garbage));
            Model("corrupt-dice", f => File.WriteAllBytes(Path.Combine(f, "text_encoder_dice", "model.onnx"), garbage));
            Model("scheduler-negative", f => Edit(Path.Combine(f, "scheduler", "scheduler_config.json"), "\"num_train_timesteps\": 1000", "\"num_train_timesteps\": -5"));
            Model("scheduler-reversed", f => Edit(Path.Combine(f, "scheduler", "scheduler_config.json"), "\"beta_end\": 0.012", "\"beta_end\": 0.0001"));
            Model("scheduler-type", f => Edit(Path.Combine(f, "scheduler", "scheduler_config.json"), "\"beta_start\": 0.00085", "\"beta_start\": \"low\""));
            Model("scheduler-text", f => File.WriteAllText(Path.Combine(f, "scheduler", "scheduler_config.json"), "beta_start = 0.00085"));
            Model("unet-config-type", f => Edit(Path.Combine(f, "unet", "config.json"), "\"block_out_channels\": [", "\"block_out_channels\": \"wide\", \"x\": ["));
        }

        public string Root { get; }

        public string DiceMini { get; }

        public string Weights { get; }

        /// <summary>A copy of dice-mini's ONNX folder (without its training records), then <paramref name="damage"/> on it.</summary>
        private void Model(string name, Action<string> damage)
        {
            var target = Path.Combine(Root, name);
            foreach (var part in new[] { "text_encoder", "text_encoder_dice", "unet", "vae_decoder", "vae_encoder", "tokenizer", "scheduler" })
            {
                Copy(Path.Combine(DiceMini, part), Path.Combine(target, part));
            }
            File.Copy(Path.Combine(DiceMini, "model_index.json"), Path.Combine(target, "model_index.json"));
            damage(target);
        }

        private static void Edit(string path, string from, string to)
        {
            var text = File.ReadAllText(path);
            Assert.Contains(from, text, StringComparison.Ordinal);
            File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
        }

        private static void Copy(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
            foreach (var sub in Directory.EnumerateDirectories(from))
            {
                Copy(sub, Path.Combine(to, Path.GetFileName(sub)));
            }
        }

        public void Dispose() => folder.Dispose();
    }
}
