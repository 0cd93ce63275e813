using Dice.Data;

namespace Dice.Tests.Shared;

/// <summary>32 generated 64×64 scenes as an imagefolder (8×8 latents for the tiny teacher), shared by a test class.</summary>
public sealed class DatasetFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public DatasetFixture()
    {
        Folder = Path.Combine(temp.Path, "scenes");
        ImageFolderWriter.Write(Folder, new DatasetGenerator(5, imageSize: 64), 32);
    }

    public string Folder { get; }

    public void Dispose() => temp.Dispose();
}
