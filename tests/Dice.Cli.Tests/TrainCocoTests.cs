using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace Dice.Cli.Tests;

/// <summary>`dice train` on data laid out as MS-COCO is: a captions_*.json with several captions an image, JPEG files.</summary>
[Collection(TinyOnnxModelCollection.Name)]
public sealed class TrainCocoTests(TinyOnnxModel model)
{
    private static string[] Args(string teacher, string captions, string images, string output) =>
        ["train", "--teacher", teacher, "--data", captions, "--images", images, "--out", output, "--steps", "3", "--batch", "2",
            "--inner-dim", "32", "--heads", "4", "--image-size", "64", "--checkpoint-every", "3", "--validation-steps", "0"];

    /// <summary>A JPEG of a colour gradient (quality 95), written by Skia's libjpeg-turbo.</summary>
    private static byte[] Jpeg(int width, int height, int seed)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)(seed * 60)));
            }
        }
        using var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("SkiaSharp gave no pixels");
        using var data = pixmap.Encode(new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("SkiaSharp wrote no JPEG");
        return data.ToArray();
    }

    /// <summary>COCO captions for images of the given sizes (file i named like COCO's, 0000000000i.jpg) with the given caption counts.</summary>
    private static (string Captions, string Images) Coco(TempDirectory temp, (int Width, int Height, int Captions)[] images)
    {
        var folder = temp.File("train2017");
        Directory.CreateDirectory(folder);
        var imageList = new JsonArray();
        var annotations = new JsonArray();
        var annotationId = 100;
        for (var i = 0; i < images.Length; i++)
        {
            var name = $"{i + 1:D12}.jpg";
            File.WriteAllBytes(Path.Combine(folder, name), Jpeg(images[i].Width, images[i].Height, i));
            imageList.Add(new JsonObject { ["id"] = i + 1, ["file_name"] = name, ["width"] = images[i].Width, ["height"] = images[i].Height });
            for (var c = 0; c < images[i].Captions; c++)
            {
                annotations.Add(new JsonObject { ["image_id"] = i + 1, ["id"] = annotationId++, ["caption"] = $"a gradient {i}, caption {c}" });
            }
        }
        var captions = temp.File("captions_train2017.json");
        File.WriteAllText(captions, new JsonObject { ["images"] = imageList, ["annotations"] = annotations }.ToJsonString());
        return (captions, folder);
    }

    [Fact]
    public void A_coco_layout_with_several_captions_an_image_and_jpeg_files_trains()
    {
        using var temp = new TempDirectory();
        // Landscape, portrait and square JPEGs: each is cropped to its centred square and resized to 64.
        var (captions, images) = Coco(temp, [(96, 72, 5), (56, 80, 3), (64, 64, 1)]);
        var output = temp.File("sharpener");
        var r = DiceProcess.Run(Args(model.Weights, captions, images, output));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("final loss", r.Stdout, StringComparison.Ordinal);
        var losses = File.ReadAllLines(Path.Combine(output + ".checkpoints", "loss.jsonl"));
        Assert.Equal(3, losses.Length);
        Assert.All(losses, l => Assert.True(double.IsFinite(JsonNode.Parse(l)!["loss"]!.GetValue<double>()), l));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!;
        Assert.Equal("sample", config["vae_latents"]!.GetValue<string>());
        // The tiny teacher's scheduler_config.json is SD1.5's.
        Assert.StartsWith("scaled_linear 0.00085 → 0.012, 1000 steps, epsilon", config["noise_schedule"]!.GetValue<string>(), StringComparison.Ordinal);

        var mean = temp.File("mean");
        var m = DiceProcess.Run([.. Args(model.Weights, captions, images, mean), "--vae-sample", "mean"]);
        Assert.True(m.ExitCode == 0, m.Stderr);
        Assert.Equal("mean", JsonNode.Parse(File.ReadAllText(Path.Combine(mean, "config.json")))!["vae_latents"]!.GetValue<string>());
    }

    [Fact]
    public void A_truncated_jpeg_stops_training_with_one_line_naming_the_file()
    {
        using var temp = new TempDirectory();
        var (captions, images) = Coco(temp, [(64, 48, 5)]);
        var broken = Path.Combine(images, "000000000001.jpg");
        var bytes = File.ReadAllBytes(broken);
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]);
        var output = temp.File("sharpener");
        var r = DiceProcess.Run(Args(model.Weights, captions, images, output));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(broken, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("truncated JPEG", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("replace or remove that image", r.Stderr, StringComparison.Ordinal);

        // No checkpoint was saved, so the run leaves no folder behind, and the same command meets the same image
        // again instead of refusing a folder that "already holds a run".
        Assert.False(Directory.Exists(output), output);
        Assert.False(Directory.Exists(output + ".checkpoints"), output + ".checkpoints");
        var again = DiceProcess.Run(Args(model.Weights, captions, images, output));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains(broken, again.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("already holds a run", again.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("beta_schedule", "\"sigmoid\"", "'beta_schedule' is 'sigmoid'")]
    [InlineData("rescale_betas_zero_snr", "true", "rescale_betas_zero_snr is true")]
    public void A_teacher_schedule_the_trainer_cannot_use_is_refused_with_the_reason(string key, string value, string reason)
    {
        using var temp = new TempDirectory();
        var (captions, images) = Coco(temp, [(64, 64, 2)]);
        var teacher = temp.File("teacher");
        TinyOnnxModel.CopyDirectory(model.Weights, teacher);
        var schedulerConfig = Path.Combine(teacher, "scheduler", "scheduler_config.json");
        var json = JsonNode.Parse(File.ReadAllText(schedulerConfig))!.AsObject();
        json[key] = JsonNode.Parse(value);
        File.WriteAllText(schedulerConfig, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var output = temp.File("sharpener");
        var r = DiceProcess.Run(Args(teacher, captions, images, output));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        Assert.Contains(schedulerConfig, r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_unknown_vae_sample_choice_is_a_one_line_error()
    {
        using var temp = new TempDirectory();
        var (captions, images) = Coco(temp, [(64, 64, 1)]);
        var r = DiceProcess.Run([.. Args(model.Weights, captions, images, temp.File("sharpener")), "--vae-sample", "mode"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("unknown --vae-sample 'mode': use sample or mean", r.Stderr, StringComparison.Ordinal);
    }
}
