using System.Diagnostics;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Dice.Runtime.Tests;

/// <summary>
/// `dotnet pack` of core/Dice.Core and runtime/Dice.Runtime into a folder feed, once for the class. The packs use the
/// build the tests run against (--no-build, this assembly's configuration), so they compile nothing and restore nothing.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    private readonly TempDirectory root = new();

    public PackedFeed()
    {
        Feed = Path.Combine(root.Path, "feed");
        var clock = Stopwatch.StartNew();
        foreach (var project in new[] { "core/Dice.Core/Dice.Core.csproj", "runtime/Dice.Runtime/Dice.Runtime.csproj" })
        {
            Pack(project, Feed);
        }
        PackTime = clock.Elapsed;
    }

    public string Feed { get; }

    public TimeSpan PackTime { get; }

    public string Scratch(string name) => Directory.CreateDirectory(root.File(name)).FullName;

    public static string Configuration =>
        typeof(PackedFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static void Pack(string project, string output) =>
        DotnetProcess.Run(RepositoryFiles.Root, HangGuard.Limit, "pack", Path.Combine(RepositoryFiles.Root, project),
            "-c", Configuration, "--no-build", "-o", output);

    public void Dispose() => root.Dispose();
}

/// <summary>
/// The NuGet packages hosts consume: what they carry, and that a host outside the repository (samples/Dice.SampleHost)
/// restores them from a folder feed, builds and generates an image with dice-mini.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class PackageTests(PackedFeed packed, ITestOutputHelper output) : IClassFixture<PackedFeed>
{
    private static readonly string[] CorePackages = ["Dice.Core", "Dice.Runtime"];

    [Fact]
    public void Packages_carry_readme_licence_and_exact_dependency_versions()
    {
        var version = RepositoryFiles.DiceVersion();
        var central = RepositoryFiles.CentralVersions();
        foreach (var id in CorePackages)
        {
            var nupkg = Path.Combine(packed.Feed, $"{id}.{version}.nupkg");
            Assert.True(File.Exists(nupkg), $"{nupkg} missing; the feed holds {string.Join(", ", Directory.GetFiles(packed.Feed).Select(Path.GetFileName))}");
            using var zip = ZipFile.OpenRead(nupkg);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            var metadata = Nuspec(zip, id);
            string? Text(string element) => metadata.Element(metadata.Name.Namespace + element)?.Value;

            Assert.Equal(id, Text("id"));
            Assert.Equal(version, Text("version"));
            var license = metadata.Element(metadata.Name.Namespace + "license");
            Assert.NotNull(license);
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.Equal("MIT", license.Value);
            Assert.Equal("PACKAGE.md", Text("readme"));
            Assert.Contains("PACKAGE.md", names);
            Assert.Contains("LICENSE", names);
            Assert.Contains($"lib/net10.0/{id}.dll", names);
            Assert.False(string.IsNullOrWhiteSpace(Text("description")));
            Assert.Contains("The Dice authors", Text("authors"), StringComparison.Ordinal);
            // The package's readme is the project's PACKAGE.md, and the licence the repository's LICENSE, byte for byte.
            Assert.Equal(File.ReadAllBytes(RepositoryFiles.Path(id == "Dice.Core" ? "core/Dice.Core/PACKAGE.md" : "runtime/Dice.Runtime/PACKAGE.md")),
                Bytes(zip, "PACKAGE.md"));
            Assert.Equal(File.ReadAllBytes(RepositoryFiles.Path("LICENSE")), Bytes(zip, "LICENSE"));

            // Neither package brings the trainer's tensor engine, as a file or as a dependency.
            Assert.DoesNotContain(names, n => n.Contains("torch", StringComparison.OrdinalIgnoreCase));
            var dependencies = metadata.Descendants(metadata.Name.Namespace + "dependency")
                .Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value)).ToList();
            Assert.DoesNotContain(dependencies, d => d.Id.Contains("torch", StringComparison.OrdinalIgnoreCase));

            // Every dependency is one exact version: Directory.Packages.props's for third parties, Dice's own for Dice.Core.
            Assert.NotEmpty(dependencies);
            foreach (var (dependency, range) in dependencies)
            {
                var expected = dependency == "Dice.Core" ? version
                    : central.TryGetValue(dependency, out var pinned) ? pinned
                    : throw new Xunit.Sdk.XunitException($"{id} depends on {dependency} {range}, which Directory.Packages.props does not pin");
                Assert.True(range == $"[{expected}]", $"{id} depends on {dependency} {range}, expected exactly [{expected}]");
            }
            var required = id == "Dice.Core"
                ? new[] { "Microsoft.ML.Tokenizers" }
                : ["Dice.Core", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime.Managed"];
            Assert.All(required, r => Assert.Contains(dependencies, d => d.Id == r));
        }
    }

    [Fact]
    public void Packing_the_same_build_twice_gives_identical_bytes()
    {
        var again = packed.Scratch("again");
        PackedFeed.Pack("core/Dice.Core/Dice.Core.csproj", again);
        var name = $"Dice.Core.{RepositoryFiles.DiceVersion()}.nupkg";
        Assert.Equal(File.ReadAllBytes(Path.Combine(packed.Feed, name)), File.ReadAllBytes(Path.Combine(again, name)));
    }

    [Fact]
    public void Sample_host_restores_the_packages_from_the_feed_and_writes_a_png()
    {
        var version = RepositoryFiles.DiceVersion();
        var sampleProject = RepositoryFiles.Path("samples/Dice.SampleHost/Dice.SampleHost.csproj");
        var reference = XDocument.Load(sampleProject).Descendants("PackageReference").Single(p => p.Attribute("Include")?.Value == "Dice.Runtime");
        Assert.True(reference.Attribute("Version")?.Value == version,
            $"samples/Dice.SampleHost references Dice.Runtime {reference.Attribute("Version")?.Value}; keep it at DiceVersion {version}");

        // The sample as a host has it: its own folder with the samples' Directory.*.props (which stop the repository's),
        // nothing of a previous build.
        var work = packed.Scratch("host");
        var source = Path.Combine(work, "samples");
        var project = Path.Combine(source, "Dice.SampleHost");
        Directory.CreateDirectory(project);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(RepositoryFiles.Path("samples/" + file), Path.Combine(source, file));
        }
        foreach (var file in new[] { "Dice.SampleHost.csproj", "Program.cs" })
        {
            File.Copy(RepositoryFiles.Path("samples/Dice.SampleHost/" + file), Path.Combine(project, file));
        }

        // Offline, like CI: the feed is the only source. Every other package comes from the NuGet cache the solution was
        // restored into, used in place as a fallback folder: links to each package there except Dice's own, so a Dice
        // package of the same version left in that cache (a developer who ran the sample) cannot stand in for the one
        // just packed; Dice's packages are extracted into a packages folder of this test's own.
        var cache = RepositoryFiles.NuGetPackageRoot();
        var fallback = Directory.CreateDirectory(Path.Combine(work, "fallback")).FullName;
        foreach (var package in Directory.GetDirectories(cache))
        {
            var name = Path.GetFileName(package);
            if (!CorePackages.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Directory.CreateSymbolicLink(Path.Combine(fallback, name), package);
            }
        }
        var packages = Path.Combine(work, "packages");
        var config = Path.Combine(work, "NuGet.config");
        new XDocument(new XElement("configuration",
            new XElement("packageSources", new XElement("clear"), Add("dice-feed", packed.Feed)),
            new XElement("fallbackPackageFolders", new XElement("clear"), Add("solution-cache", fallback)),
            new XElement("config", Add("globalPackagesFolder", packages)))).Save(config);

        var clock = Stopwatch.StartNew();
        DotnetProcess.Run(work, HangGuard.Limit, "restore", project, "--configfile", config);
        var restored = clock.Elapsed;
        var bin = Path.Combine(work, "bin");
        DotnetProcess.Run(work, HangGuard.Limit, "build", project, "-c", "Release", "--no-restore", "-o", bin,
            // Link ONNX Runtime's natives from the cache instead of copying ~0.3 GB.
            "-p:CreateHardLinksForCopyLocalIfPossible=true");
        var built = clock.Elapsed - restored;

        // Dice's packages came from the feed, byte for byte, and nothing else was extracted.
        Assert.Equal(CorePackages.Select(p => p.ToLowerInvariant()).Order(StringComparer.Ordinal),
            Directory.GetDirectories(packages).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var id in CorePackages)
        {
            var file = $"{id.ToLowerInvariant()}.{version}.nupkg";
            Assert.Equal(File.ReadAllBytes(Path.Combine(packed.Feed, $"{id}.{version}.nupkg")),
                File.ReadAllBytes(Path.Combine(packages, id.ToLowerInvariant(), version, file)));
        }

        var model = RepositoryFiles.Path("onnx-models/dice-mini");
        var png = Path.Combine(work, "sample.png");
        var run = DotnetProcess.Run(work, HangGuard.Limit, Path.Combine(bin, "Dice.SampleHost.dll"), model,
            "a red circle on a blue background", "7", png, "2");
        var ran = clock.Elapsed - restored - built;
        Assert.Contains("2 steps", run.Stdout, StringComparison.Ordinal);

        // The size diffusers gives this model: the UNet's latent sample size times the VAE's 2^(blocks - 1) upsampling.
        var unet = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "unet", "config.json"))).RootElement;
        var vae = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "vae_decoder", "config.json"))).RootElement;
        var side = unet.GetProperty("sample_size").GetInt32() << (vae.GetProperty("block_out_channels").GetArrayLength() - 1);
        var (width, height) = PngCheck.Validate(File.ReadAllBytes(png));
        Assert.Equal((side, side), (width, height));

        // Recorded for the report: pack, restore, build and run times of this machine.
        output.WriteLine($"pack {packed.PackTime.TotalSeconds:F1} s, restore {restored.TotalSeconds:F1} s, build {built.TotalSeconds:F1} s, run {ran.TotalSeconds:F1} s");
    }

    private static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));

    private static XElement Nuspec(ZipArchive zip, string id)
    {
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Element(document.Root.Name.Namespace + "metadata")!;
    }

    private static byte[] Bytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>Files of the repository these tests are built from.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The NuGet cache the solution was restored into.</summary>
    public static string NuGetPackageRoot() => Metadata("NuGetPackageRoot");

    public static string DiceVersion() =>
        XDocument.Load(Path("Directory.Build.props")).Descendants("DiceVersion").Single().Value;

    /// <summary>Directory.Packages.props: package id → version.</summary>
    public static Dictionary<string, string> CentralVersions() =>
        XDocument.Load(Path("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);

    private static string Metadata(string key) =>
        typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}

/// <summary>Runs the .NET SDK's `dotnet` as a child process and fails the test, with its output, if it fails.</summary>
internal static class DotnetProcess
{
    public sealed record Result(string Stdout, string Stderr);

    public static Result Run(string directory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        if (args[0] is "pack" or "restore" or "build")
        {
            // No MSBuild node or compiler server left running after the test.
            info.ArgumentList.Add("-nodeReuse:false");
            info.ArgumentList.Add("-p:UseSharedCompilation=false");
            info.ArgumentList.Add("-nologo");
        }
        // The child's NuGet folders are the ones the test names, whatever the test's own environment says.
        info.Environment.Remove("NUGET_PACKAGES");
        info.Environment.Remove("NUGET_FALLBACK_PACKAGES");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} did not finish in {timeout.TotalMinutes:0.#} minutes");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"dotnet {string.Join(' ', args)} exited {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        return new Result(stdout.Result, stderr.Result);
    }
}

/// <summary>
/// A PNG check that shares no code with Dice's codec: signature, chunk CRCs, IHDR, IEND last, and the IDAT stream
/// inflating to exactly one filter byte plus one row of 8-bit RGB or RGBA pixels per line.
/// </summary>
internal static class PngCheck
{
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c;
    }).ToArray();

    public static (int Width, int Height) Validate(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG signature");
        var chunks = new List<(string Type, byte[] Data)>();
        for (var at = 8; at < png.Length;)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(Crc(typeAndData), crc);
            chunks.Add((System.Text.Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + length;
        }
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        var header = chunks[0].Data;
        var width = (int)BinaryPrimitives.ReadUInt32BigEndian(header);
        var height = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        Assert.Equal(8, header[8]);
        Assert.Contains(header[9], new byte[] { 2, 6 });
        Assert.Equal(0, header[12]);
        var channels = header[9] == 2 ? 3 : 4;

        using var compressed = new MemoryStream(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        var stride = 1 + width * channels;
        Assert.Equal(height * stride, rows.Length);
        for (var y = 0; y < height; y++)
        {
            Assert.InRange(rows[y * stride], 0, 4);
        }
        return (width, height);
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }
        return c ^ 0xFFFFFFFFu;
    }
}
