using System.Diagnostics;

namespace Dice.Build.Tests;

/// <summary>
/// build/LibTorchSharp.targets in a real build and publish: a scratch project copies a hand-built stand-in for
/// libLibTorchSharp.so the way package natives are copied (a copy-local file under runtimes/linux-x64/native/).
/// </summary>
public sealed class MsBuildWiringTests
{
    [Fact]
    [Trait(Tier.Name, Tier.Slow)]
    public void Build_and_publish_mark_their_copies_and_leave_the_source_alone()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("native"));
        var source = dir.File("native/libLibTorchSharp.so");
        var original = HandBuiltElf.Build().Bytes;
        File.WriteAllBytes(source, original);
        var targets = Path.Combine(BuildFacts.RepositoryRoot, "build", "LibTorchSharp.targets");
        File.WriteAllText(dir.File("scratch.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <ReferenceCopyLocalPaths Include="native/libLibTorchSharp.so" DestinationSubDirectory="runtimes/linux-x64/native/" />
              </ItemGroup>
              <Import Project="{targets}" />
            </Project>
            """);

        var log = Dotnet(dir.Path, "publish", "-c", "Release", "-o", "out", "-v:n", "-nologo");

        var built = dir.File("bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so");
        var published = dir.File("out/runtimes/linux-x64/native/libLibTorchSharp.so");
        var expected = (byte)(BuildFacts.SystemLacksWeakVersion ? 2 : 0);
        Assert.Equal(expected, File.ReadAllBytes(built)[HandBuiltElf.Glibcxx32FlagsOffset]);
        Assert.Equal(expected, File.ReadAllBytes(published)[HandBuiltElf.Glibcxx32FlagsOffset]);
        Assert.Equal(original, File.ReadAllBytes(source));
        if (BuildFacts.SystemLacksWeakVersion)
        {
            Assert.Contains($"{published}: marked its need for GLIBCXX_3.4.32 weak", log, StringComparison.Ordinal);
            Assert.Contains($"{built}: marked its need for GLIBCXX_3.4.32 weak", log, StringComparison.Ordinal);
        }
    }

    private static string Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        // A separate build: not the MSBuild node or server of the build that runs these tests.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{output}\n{error.Result}");
        return output;
    }
}
