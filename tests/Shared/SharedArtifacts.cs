namespace Dice.Tests.Shared;

/// <summary>
/// Fixtures that take minutes to build (a smoke-scale dice-mini, 20,000 training images) are built once per test run and
/// shared by every test assembly. `scripts/test.sh` points DICE_TEST_ARTIFACTS at a fresh folder for each run; the first
/// assembly to ask for an artifact builds it while holding an exclusive lock on `NAME.lock`, the others wait for the lock
/// and reuse the finished folder. Without the variable (a test run from an IDE) each test process builds its own, in a
/// temporary folder removed when it exits. Artifacts are read-only to tests: a test that needs to change one copies it.
/// </summary>
internal static class SharedArtifacts
{
    private const string Complete = ".complete";
    private static readonly Lazy<string> Root = new(OpenRoot);

    /// <summary>The artifact's folder, built by <paramref name="build"/> (given an empty folder) if no run has yet.</summary>
    public static string Get(string name, Action<string> build)
    {
        var folder = Path.Combine(Root.Value, name);
        using var exclusive = Lock(Path.Combine(Root.Value, name + ".lock"));
        if (File.Exists(Path.Combine(folder, Complete)))
        {
            return folder;
        }
        // A build that failed or was killed leaves no marker: start again from nothing.
        var staging = folder + ".building";
        foreach (var stale in new[] { folder, staging }.Where(Directory.Exists))
        {
            Directory.Delete(stale, recursive: true);
        }
        Directory.CreateDirectory(staging);
        build(staging);
        File.WriteAllText(Path.Combine(staging, Complete), "");
        Directory.Move(staging, folder);
        return folder;
    }

    /// <summary>Waits for the lock as long as another test process holds it: a build under way elsewhere.</summary>
    private static FileStream Lock(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static string OpenRoot()
    {
        var shared = Environment.GetEnvironmentVariable("DICE_TEST_ARTIFACTS");
        if (!string.IsNullOrEmpty(shared))
        {
            Directory.CreateDirectory(shared);
            return shared;
        }
        var own = Path.Combine(Path.GetTempPath(), "dice-test-artifacts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(own);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(own, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temporary folder.
            }
        };
        return own;
    }
}
