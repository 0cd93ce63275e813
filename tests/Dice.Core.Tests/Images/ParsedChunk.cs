namespace Dice.Core.Tests.Images;

/// <summary>One chunk as <see cref="PngTestFiles.Parse"/> found it.</summary>
internal sealed record ParsedChunk(string Type, byte[] Data, uint Crc, bool CrcIsValid);
