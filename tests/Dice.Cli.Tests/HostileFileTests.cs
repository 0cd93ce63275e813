using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using Dice.Core.Images;
using Dice.Models.Sharpener;
using Dice.Trainer;
using Google.Protobuf;
using Onnx;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dice.Cli.Tests;

/// <summary>
/// Crafted input files, each fed to the verb that reads it: every one is refused with exit code 2 and one line
/// `dice: …`, and under strace nothing outside the given input folders, the output folder and the runtime's own
/// paths is read, and nothing outside the output folder (and the run's private TMPDIR) is written.
/// </summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class HostileFileTests(TinyOnnxModel model)
{
    /// <summary>One crafted input: the command line, the folders it may read, and what stderr must name.</summary>
    private sealed record Case(string[] Args, string[] Inputs, string Output, string Names);

    /// <summary>The folders of one row: inputs are built under In, the verb writes under Out, Secret is outside both.</summary>
    private sealed class Folders(string root)
    {
        public string In { get; } = Directory.CreateDirectory(Path.Combine(root, "in")).FullName;
        public string Out { get; } = Directory.CreateDirectory(Path.Combine(root, "out")).FullName;
        public string Secret { get; } = Directory.CreateDirectory(Path.Combine(root, "secret")).FullName;
    }

    public static TheoryData<string> Rows => [.. Builders.Keys.Order(StringComparer.Ordinal)];

    // Row name → how to build it. The model folder is the shared tiny one (or a copy, when the row edits it).
    private static readonly Dictionary<string, Func<HostileFileTests, Folders, Case>> Builders = new(StringComparer.Ordinal)
    {
        // safetensors, read by `dice export --sharpener` (JSON header: 8-byte little-endian length, then the header).
        ["safetensors-header-length-beyond-file"] = (t, f) => t.ExportSharpenerBytes(f, Safetensors(1_000_000, "{}", 0), "header"),
        ["safetensors-non-json-header"] = (t, f) => t.ExportSharpenerBytes(f, Safetensors("not json at all"), "header"),
        ["safetensors-overlapping-offsets"] = (t, f) => t.ExportSharpenerBytes(f,
            Safetensors("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12), "offset"),
        ["safetensors-offsets-beyond-data"] = (t, f) => t.ExportSharpenerBytes(f,
            Safetensors("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,1000]}}""", 8), "a"),
        ["safetensors-dtype-shape-size-mismatch"] = (t, f) => t.ExportSharpenerBytes(f,
            Safetensors("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8), "a"),

        // ONNX external data leading out of the text encoder's folder: `dice export` (exporter) and `dice generate` (runtime).
        ["onnx-export-absolute-location"] = (t, f) => t.Export(f, t.EscapingEncoder(f, Escape.Absolute)),
        ["onnx-export-dotdot-location"] = (t, f) => t.Export(f, t.EscapingEncoder(f, Escape.DotDot)),
        ["onnx-export-symlinked-file"] = (t, f) => t.Export(f, t.EscapingEncoder(f, Escape.LinkedFile)),
        ["onnx-export-symlinked-folder"] = (t, f) => t.Export(f, t.EscapingEncoder(f, Escape.LinkedFolder)),
        ["onnx-generate-absolute-location"] = (t, f) => Generate(f, t.EscapingEncoder(f, Escape.Absolute), "external data location"),
        ["onnx-generate-dotdot-location"] = (t, f) => Generate(f, t.EscapingEncoder(f, Escape.DotDot), "external data location"),
        ["onnx-generate-symlinked-file"] = (t, f) => Generate(f, t.EscapingEncoder(f, Escape.LinkedFile), "external data location"),
        ["onnx-generate-symlinked-folder"] = (t, f) => Generate(f, t.EscapingEncoder(f, Escape.LinkedFolder), "external data location"),

        // Images, read by `dice generate --init-image` (the tiny model makes 32×32 images).
        ["png-bad-crc"] = (t, f) => t.InitImage(f, "init.png", BadCrc(Png()), "CRC"),
        ["png-huge-declared-size"] = (t, f) => t.InitImage(f, "init.png", HugeSize(Png()), "init.png"),
        ["png-truncated-idat"] = (t, f) => t.InitImage(f, "init.png", TruncatedIdat(Png()), "init.png"),
        ["jpeg-truncated"] = (t, f) => t.InitImage(f, "init.jpg", Jpeg()[..(Jpeg().Length / 2)], "truncated"),
        ["jpeg-bad-marker"] = (t, f) => t.InitImage(f, "init.jpg", BadMarker(Jpeg()), "marker"),
        ["jpeg-segment-beyond-file"] = (t, f) => t.InitImage(f, "init.jpg", SegmentBeyondFile(Jpeg()), "init.jpg"),

        // Diffusers configs, read by `dice convert`.
        ["config-unet-wrong-type"] = (t, f) => t.Convert(f, "unet/config.json", c => c["in_channels"] = "four", "in_channels"),
        ["config-unet-out-of-range"] = (t, f) => t.Convert(f, "unet/config.json", c => c["in_channels"] = -4, "in_channels"),
        ["config-text-encoder-wrong-type"] = (t, f) => t.Convert(f, "text_encoder/config.json", c => c["hidden_size"] = true, "hidden_size"),
        ["config-text-encoder-out-of-range"] = (t, f) => t.Convert(f, "text_encoder/config.json", c => c["num_attention_heads"] = 0, "num_attention_heads"),
        ["config-vae-wrong-type"] = (t, f) => t.Convert(f, "vae/config.json", c => c["latent_channels"] = new JsonArray(), "latent_channels"),
        ["config-scheduler-wrong-type"] = (t, f) => t.Convert(f, "scheduler/scheduler_config.json", c => c["num_train_timesteps"] = "many", "num_train_timesteps"),
        ["config-not-json"] = (t, f) => t.ConvertRaw(f, "unet/config.json", "{ \"in_channels\": 4,", "config.json"),

        // A sharded checkpoint's index naming shards outside its folder, read by `dice convert`.
        ["shard-index-dotdot"] = (t, f) => t.ShardedUnet(f, Escape.DotDot),
        ["shard-index-absolute"] = (t, f) => t.ShardedUnet(f, Escape.Absolute),
        ["shard-index-symlinked-file"] = (t, f) => t.ShardedUnet(f, Escape.LinkedFile),

        // Datasets naming images outside their folder, read by `dice train`.
        ["imagefolder-dotdot-file-name"] = (t, f) => t.TrainImageFolder(f, Escape.DotDot),
        ["imagefolder-absolute-file-name"] = (t, f) => t.TrainImageFolder(f, Escape.Absolute),
        ["imagefolder-symlinked-file-name"] = (t, f) => t.TrainImageFolder(f, Escape.LinkedFile),
        ["coco-dotdot-file-name"] = (t, f) => t.TrainCoco(f, Escape.DotDot),
        ["coco-symlinked-file-name"] = (t, f) => t.TrainCoco(f, Escape.LinkedFolder),

        // Generation sidecars naming recorded inputs outside their folder, read by `dice generate --from`.
        ["sidecar-init-image-absolute-outside"] = (t, f) => t.FromSidecar(f, "init_image", Escape.Absolute),
        ["sidecar-init-image-linked"] = (t, f) => t.FromSidecar(f, "init_image", Escape.LinkedFile),
        ["sidecar-latents-dotdot"] = (t, f) => t.FromSidecar(f, "latents", Escape.DotDot),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_hostile_file_is_refused_in_one_line_and_nothing_outside_the_given_folders_is_touched(string row)
    {
        using var temp = new TempDirectory();
        var folders = new Folders(temp.Path);
        var c = Builders[row](this, folders);
        var before = Snapshot(folders.Out);
        var tmp = Directory.CreateDirectory(temp.File("tmp")).FullName;
        var home = Directory.CreateDirectory(temp.File("home")).FullName;

        var r = FileAccessTrace.Run(c.Args, new Dictionary<string, string> { ["TMPDIR"] = tmp, ["HOME"] = home });

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}, stderr: {r.Stderr}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{r.Stderr}");
        Assert.StartsWith("dice: ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Contains(c.Names, StringComparison.Ordinal), $"'{c.Names}' not in: {lines[0]}");
        Assert.DoesNotContain("DICE_DEBUG", lines[0], StringComparison.Ordinal);

        Assert.Empty(r.ReadOutside([.. FileAccessTrace.SystemReadPaths(), .. c.Inputs, c.Output, tmp, home]));
        Assert.DoesNotContain(r.Read, p => p.StartsWith(folders.Secret + "/", StringComparison.Ordinal));
        // The .NET runtime names its threads through /proc/self/task/N/comm.
        Assert.Empty(r.WrittenOutside(c.Output, tmp, "/proc", "/dev"));
        // A refusal writes nothing: the output folder is as it was.
        Assert.Equal(before, Snapshot(folders.Out));
    }

    private enum Escape { Absolute, DotDot, LinkedFile, LinkedFolder }

    // ---- safetensors ----

    private static byte[] Safetensors(string header, int dataBytes = 0) => Safetensors(Encoding.UTF8.GetByteCount(header), header, dataBytes);

    /// <summary>A safetensors file whose length field says <paramref name="declaredLength"/>, whatever the header is.</summary>
    private static byte[] Safetensors(long declaredLength, string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, declaredLength);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private Case ExportSharpenerBytes(Folders f, byte[] weights, string names)
    {
        var sharpener = Directory.CreateDirectory(Path.Combine(f.In, "sharpener")).FullName;
        File.WriteAllBytes(Path.Combine(sharpener, "sharpener.safetensors"), weights);
        File.WriteAllText(Path.Combine(sharpener, "config.json"), new SharpenerConfig(16, 8, 2).ToJson());
        var folder = Path.Combine(f.Out, "model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        return new Case(["export", "--sharpener", sharpener, "--model", folder], [sharpener, model.Plain], folder, names);
    }

    // ---- ONNX external data ----

    /// <summary>
    /// A copy of the tiny model whose text encoder keeps its largest weight in an external file that lies outside the
    /// model folder (in Secret), named in the way <paramref name="escape"/> says. Returns the model folder.
    /// </summary>
    private string EscapingEncoder(Folders f, Escape escape)
    {
        var folder = Path.Combine(f.In, "model");
        TinyOnnxModel.CopyDirectory(model.Plain, folder);
        var encoderFolder = Path.Combine(folder, "text_encoder");
        var path = Path.Combine(encoderFolder, "model.onnx");
        var encoder = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var tensor = encoder.Graph.Initializer.MaxBy(i => i.RawData.Length)!;
        var secret = Path.Combine(f.Secret, "weights.bin");
        File.WriteAllBytes(secret, tensor.RawData.ToByteArray());
        string location;
        switch (escape)
        {
            case Escape.Absolute:
                location = secret;
                break;
            case Escape.DotDot:
                location = Path.GetRelativePath(encoderFolder, secret);
                Assert.StartsWith("../", location, StringComparison.Ordinal);
                break;
            case Escape.LinkedFile:
                location = "weights.bin";
                File.CreateSymbolicLink(Path.Combine(encoderFolder, location), secret);
                break;
            default:
                location = "data/weights.bin";
                Directory.CreateSymbolicLink(Path.Combine(encoderFolder, "data"), f.Secret);
                break;
        }
        var length = tensor.RawData.Length;
        tensor.RawData = ByteString.Empty;
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "0" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        File.WriteAllBytes(path, encoder.ToByteArray());
        return folder;
    }

    /// <summary>`dice export` of a valid sharpener into a copy of <paramref name="modelFolder"/> made in Out.</summary>
    private Case Export(Folders f, string modelFolder)
    {
        var sharpener = Directory.CreateDirectory(Path.Combine(f.In, "sharpener")).FullName;
        using (var ops = new TorchOps(seed: 2))
        {
            var config = new SharpenerConfig(16, 8, 2);
            _ = new DiceSharpener<Tensor>(ops, config);
            ops.Save(Path.Combine(sharpener, "sharpener.safetensors"));
            File.WriteAllText(Path.Combine(sharpener, "config.json"), config.ToJson());
        }
        // export writes into the model folder, so the folder is the output; links in it still point at Secret.
        var folder = Path.Combine(f.Out, "model");
        Directory.Move(modelFolder, folder);
        return new Case(["export", "--sharpener", sharpener, "--model", folder], [sharpener], folder, "external data location");
    }

    private static Case Generate(Folders f, string modelFolder, string names) =>
        new(["generate", "a red circle", "--model", modelFolder, "--steps", "1", "--out", Path.Combine(f.Out, "a.png")],
            [modelFolder], f.Out, names);

    // ---- images ----

    private Case InitImage(Folders f, string name, byte[] bytes, string names)
    {
        var image = Path.Combine(f.In, name);
        File.WriteAllBytes(image, bytes);
        return new Case(["generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--steps", "1", "--init-image", image,
            "--out", Path.Combine(f.Out, "a.png")], [f.In, model.Plain], f.Out, names);
    }

    /// <summary>A valid 32×32 PNG: signature, IHDR at offset 8, then IDAT.</summary>
    private static byte[] Png()
    {
        var image = new RgbImage(32, 32);
        return PngEncoder.Encode(image);
    }

    /// <summary>The PNG with one byte of IHDR's data changed and its CRC left as it was.</summary>
    private static byte[] BadCrc(byte[] png)
    {
        png[8 + 8 + 12] ^= 0x01; // IHDR's data starts after the signature (8) and the chunk's length and type (8)
        return png;
    }

    /// <summary>The PNG declaring 100000×100000 pixels, with a correct CRC (PNG spec: CRC-32 over type and data).</summary>
    private static byte[] HugeSize(byte[] png)
    {
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32.HashToUInt32(png.AsSpan(12, 4 + 13)));
        return png;
    }

    /// <summary>The PNG cut in the middle of its first IDAT chunk's data.</summary>
    private static byte[] TruncatedIdat(byte[] png)
    {
        var idat = png.AsSpan().IndexOf("IDAT"u8);
        Assert.True(idat > 0);
        var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat - 4));
        return png[..(idat + 4 + (length / 2))];
    }

    /// <summary>A 32×32 JPEG written by Skia's libjpeg-turbo: SOI, then APP0 at offset 2.</summary>
    private static byte[] Jpeg()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(32, 32, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(200, 30, 40));
        using var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("SkiaSharp gave no pixels");
        using var data = pixmap.Encode(new SKJpegEncoderOptions(90, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("SkiaSharp wrote no JPEG");
        return data.ToArray();
    }

    /// <summary>The JPEG with the byte where the second marker begins (after the first segment) no longer 0xFF.</summary>
    private static byte[] BadMarker(byte[] jpeg)
    {
        var next = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        Assert.Equal(0xFF, jpeg[next]);
        jpeg[next] = 0x12;
        return jpeg;
    }

    /// <summary>The JPEG whose first segment claims 65535 bytes, past the end of the file.</summary>
    private static byte[] SegmentBeyondFile(byte[] jpeg)
    {
        Assert.True(jpeg.Length < 65535);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(4), 65535);
        return jpeg;
    }

    // ---- diffusers configs and sharded checkpoints ----

    private string WeightsCopy(Folders f)
    {
        var weights = Path.Combine(f.In, "weights");
        TinyOnnxModel.CopyDirectory(model.Weights, weights);
        return weights;
    }

    private Case ConvertCase(Folders f, string weights, string names) =>
        new(["convert", weights, "--out", Path.Combine(f.Out, "onnx")], [weights], f.Out, names);

    private Case Convert(Folders f, string file, Action<JsonObject> edit, string names)
    {
        var weights = WeightsCopy(f);
        var path = Path.Combine(weights, file);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return ConvertCase(f, weights, names);
    }

    private Case ConvertRaw(Folders f, string file, string text, string names)
    {
        var weights = WeightsCopy(f);
        File.WriteAllText(Path.Combine(weights, file), text);
        return ConvertCase(f, weights, names);
    }

    /// <summary>
    /// The UNet's checkpoint turned into a one-shard index whose weight_map names the shard outside the unet folder.
    /// </summary>
    private Case ShardedUnet(Folders f, Escape escape)
    {
        var weights = WeightsCopy(f);
        var unet = Path.Combine(weights, "unet");
        var secret = Path.Combine(f.Secret, "shard.safetensors");
        File.Move(Path.Combine(unet, "diffusion_pytorch_model.safetensors"), secret);
        string shard;
        switch (escape)
        {
            case Escape.Absolute:
                shard = secret;
                break;
            case Escape.DotDot:
                shard = Path.GetRelativePath(unet, secret);
                break;
            default:
                shard = "diffusion_pytorch_model-00001-of-00001.safetensors";
                File.CreateSymbolicLink(Path.Combine(unet, shard), secret);
                break;
        }
        var map = new JsonObject();
        using (var file = Dice.Safetensors.SafetensorsFile.Open(secret))
        {
            foreach (var name in file.Tensors.Select(t => t.Name))
            {
                map[name] = shard;
            }
        }
        File.WriteAllText(Path.Combine(unet, "diffusion_pytorch_model.safetensors.index.json"),
            new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
        return ConvertCase(f, weights, escape == Escape.Absolute ? "relative to the index" : "outside");
    }

    // ---- datasets ----

    private string[] Train(string data, string output, params string[] more) =>
        ["train", "--teacher", model.Weights, "--data", data, .. more, "--out", output, "--steps", "1", "--batch", "1",
            "--inner-dim", "32", "--heads", "4", "--image-size", "64", "--validation-steps", "0"];

    /// <summary>An imagefolder with one good image and one whose file_name leads to Secret.</summary>
    private Case TrainImageFolder(Folders f, Escape escape)
    {
        var data = Directory.CreateDirectory(Path.Combine(f.In, "data")).FullName;
        PngFile.Write(Path.Combine(data, "good.png"), new RgbImage(64, 64));
        var secret = Path.Combine(f.Secret, "bad.png");
        PngFile.Write(secret, new RgbImage(64, 64));
        var fileName = escape switch
        {
            Escape.Absolute => secret,
            Escape.DotDot => Path.GetRelativePath(data, secret),
            _ => "bad.png",
        };
        if (escape == Escape.LinkedFile)
        {
            File.CreateSymbolicLink(Path.Combine(data, "bad.png"), secret);
        }
        File.WriteAllLines(Path.Combine(data, "metadata.jsonl"),
        [
            new JsonObject { ["file_name"] = "good.png", ["text"] = "a red circle" }.ToJsonString(),
            new JsonObject { ["file_name"] = fileName, ["text"] = "a blue square" }.ToJsonString(),
        ]);
        var output = Path.Combine(f.Out, "sharpener");
        return new Case(Train(data, output), [data, model.Weights], f.Out, "file_name");
    }

    /// <summary>COCO captions whose second image's file_name leads to Secret.</summary>
    private Case TrainCoco(Folders f, Escape escape)
    {
        var images = Directory.CreateDirectory(Path.Combine(f.In, "images")).FullName;
        File.WriteAllBytes(Path.Combine(images, "1.jpg"), Jpeg());
        File.WriteAllBytes(Path.Combine(f.Secret, "2.jpg"), Jpeg());
        string fileName;
        if (escape == Escape.DotDot)
        {
            fileName = Path.GetRelativePath(images, Path.Combine(f.Secret, "2.jpg"));
        }
        else
        {
            Directory.CreateSymbolicLink(Path.Combine(images, "linked"), f.Secret);
            fileName = "linked/2.jpg";
        }
        var captions = Path.Combine(f.In, "captions_train2017.json");
        File.WriteAllText(captions, new JsonObject
        {
            ["images"] = new JsonArray(
                new JsonObject { ["id"] = 1, ["file_name"] = "1.jpg" },
                new JsonObject { ["id"] = 2, ["file_name"] = fileName }),
            ["annotations"] = new JsonArray(
                new JsonObject { ["id"] = 10, ["image_id"] = 1, ["caption"] = "a red circle" },
                new JsonObject { ["id"] = 11, ["image_id"] = 2, ["caption"] = "a blue square" }),
        }.ToJsonString());
        var output = Path.Combine(f.Out, "sharpener");
        return new Case(Train(captions, output, "--images", images), [f.In, model.Weights], f.Out, "file_name");
    }

    /// <summary>
    /// A sidecar written by a real run (image-to-image or given latents) beside its inputs in In, then edited so that the
    /// recorded file is a copy with the same bytes (same SHA-256) in Secret, named as <paramref name="escape"/> says.
    /// </summary>
    private Case FromSidecar(Folders f, string field, Escape escape)
    {
        var input = field == "init_image" ? Path.Combine(f.In, "init.png") : Path.Combine(f.In, "latents.npy");
        var run = new List<string> { "generate", "a red circle", "--model", model.Plain, "--mode", "unguided", "--steps", "2",
            "--out", Path.Combine(f.In, "a.png") };
        if (field == "init_image")
        {
            PngFile.Write(input, new RgbImage(32, 32));
            run.AddRange(["--init-image", input]);
        }
        else
        {
            File.WriteAllBytes(input, NpyBytes.Float32("(4, 4, 4)", new float[64]));
            run.AddRange(["--latents", input, "--height", "32", "--width", "32"]);
        }
        var first = DiceProcess.Run(run);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var secret = Path.Combine(f.Secret, Path.GetFileName(input));
        File.Copy(input, secret);
        var recorded = escape switch
        {
            Escape.Absolute => secret,
            Escape.DotDot => Path.GetRelativePath(f.In, secret),
            _ => Path.Combine(f.In, "linked-" + Path.GetFileName(input)),
        };
        if (escape == Escape.LinkedFile)
        {
            File.CreateSymbolicLink(recorded, secret);
        }
        var sidecarPath = Path.Combine(f.In, "a.json");
        var sidecar = JsonNode.Parse(File.ReadAllText(sidecarPath))!.AsObject();
        if (field == "init_image")
        {
            sidecar["init_image"] = recorded;
        }
        else
        {
            sidecar["latents"]!["path"] = recorded;
        }
        File.WriteAllText(sidecarPath, sidecar.ToJsonString());
        return new Case(["generate", "--from", sidecarPath, "--out", Path.Combine(f.Out, "b.png")], [f.In, model.Plain], f.Out,
            "not inside the sidecar's folder");
    }

    private static string[] Snapshot(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => $"{Path.GetRelativePath(folder, p)} {(File.Exists(p) ? new FileInfo(p).Length : -1)}")
            .Order(StringComparer.Ordinal)];
}
