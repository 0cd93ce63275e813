namespace Dice.Cli.Tests;

/// <summary>The strace reader the hostile-file and write-confinement tests rely on.</summary>
public class FileAccessTraceTests
{
    [Theory]
    // Lines as strace -y prints them (strace(1): -y prints paths of file descriptors as fd<path>).
    [InlineData("""openat(AT_FDCWD, "/data/in.png", O_RDONLY|O_CLOEXEC) = 3</data/in.png>""", "/data/in.png", null)]
    [InlineData("""openat(AT_FDCWD, "/out/.a.png.tmp", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 5</out/.a.png.tmp>""", null, "/out/.a.png.tmp")]
    [InlineData("""openat(7</models/unet>, "model.onnx", O_RDONLY) = 8</models/unet/model.onnx>""", "/models/unet/model.onnx", null)]
    // A link on the way: the path as opened and where it led (the descriptor's path) both count as read.
    [InlineData("""openat(AT_FDCWD, "/m/text_encoder/w.bin", O_RDONLY|O_CLOEXEC) = 4</secret/w.bin>""", "/m/text_encoder/w.bin|/secret/w.bin", null)]
    [InlineData("""openat(AT_FDCWD, "/home/u/.cache/x", O_RDWR|O_CREAT, 0644) = -1 EACCES (Permission denied)""", null, null)]
    [InlineData("""rename("/out/.a.tmp", "/out/a.png") = 0""", null, "/out/.a.tmp|/out/a.png")]
    [InlineData("""renameat2(AT_FDCWD, "/out/.b.tmp", AT_FDCWD, "/out/b.json", RENAME_NOREPLACE) = 0""", null, "/out/.b.tmp|/out/b.json")]
    [InlineData("""mkdir("/out/run", 0777) = 0""", null, "/out/run")]
    [InlineData("""unlinkat(AT_FDCWD, "/tmp/x", 0) = -1 ENOENT (No such file or directory)""", null, null)]
    [InlineData("""mknodat(AT_FDCWD, "/t/clr-debug-pipe-7-8-in", S_IFIFO|0700) = 0""", null, "/t/clr-debug-pipe-7-8-in")]
    [InlineData("""bind(11<socket:[42]>, {sa_family=AF_UNIX, sun_path="/t/dotnet-diagnostic-7-8-socket"}, 110) = 0""", null, "/t/dotnet-diagnostic-7-8-socket")]
    [InlineData("""bind(12<socket:[43]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0""", null, null)]
    [InlineData("""+++ exited with 0 +++""", null, null)]
    public void A_strace_line_counts_as_a_read_or_a_write_only_when_the_call_succeeded(string line, string? read, string? written)
    {
        var r = new HashSet<string>();
        var w = new HashSet<string>();

        FileAccessTrace.Parse(line, r, w);

        Assert.Equal(read is null ? [] : read.Split('|').Order(), r.Order());
        Assert.Equal(written is null ? [] : written.Split('|').Order(), w.Order());
    }

    [Fact]
    public void A_traced_generate_shows_its_png_written_and_its_model_read()
    {
        using var t = new TempDirectory();
        var png = t.File("out.png");

        Directory.CreateDirectory(t.File("tmp"));

        // The .NET runtime puts its debugger pipes and diagnostics socket in TMPDIR.
        var r = FileAccessTrace.Run(["generate", "a red circle", "--steps", "1", "--out", png],
            new Dictionary<string, string> { ["TMPDIR"] = t.File("tmp"), ["HOME"] = t.File("home") });

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(png, r.Written);
        Assert.Contains(r.Read, p => p.EndsWith("/unet/model.onnx", StringComparison.Ordinal));
        Assert.Empty(r.WrittenOutside(t.Path, "/proc", "/dev"));
    }
}
