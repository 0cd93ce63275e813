namespace Dice.Tests.Shared;

/// <summary>
/// The test tiers. `scripts/test.sh` runs the default tier first (every test without this trait), then the slow tier of
/// whole-artifact checks (SD1.5-size exports, the shipped model's evaluation and loss log, package and publish builds,
/// the GPU kit); CI runs both. Mark a class or method with <c>[Trait(Tier.Name, Tier.Slow)]</c>.
/// </summary>
internal static class Tier
{
    public const string Name = "Tier";
    public const string Slow = "Slow";
}
