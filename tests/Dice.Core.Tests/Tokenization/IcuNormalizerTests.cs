using System.Text;
using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>NFC through the host's ICU, and what happens on a host without it.</summary>
public sealed class IcuNormalizerTests
{
    private static readonly IcuNormalizer WithoutIcu = new(["libdice-no-such-icu.so.1", "libdice-no-such-icu.so.2"]);

    [Fact]
    public void Composes_with_the_system_icu()
    {
        // Unicode canonical composition: e + U+0301 is U+00E9; U+1100 U+1161 is the Hangul syllable U+AC00.
        Assert.Equal("caf\u00E9 \uAC00", IcuNormalizer.Shared.ToNfc("cafe\u0301 \u1100\u1161"));
    }

    [Fact]
    public void Text_below_u0300_is_already_composed_by_icus_own_account()
    {
        // Every ordered pair of characters U+0001..U+02FF, then a space and U+0300 so that the text goes through ICU
        // (a space does not compose with a combining mark): ICU must give it back unchanged, which is what lets
        // IsTriviallyComposed skip ICU for such text.
        var text = new StringBuilder(2 * 0x2FF * 0x2FF + 2);
        for (var first = '\u0001'; first < '\u0300'; first++)
        {
            for (var second = '\u0001'; second < '\u0300'; second++)
            {
                text.Append(first).Append(second);
            }
        }
        var pairs = text.Append(" \u0300").ToString();

        Assert.True(IcuNormalizer.IsTriviallyComposed(pairs.AsSpan(0, pairs.Length - 2)));
        Assert.False(IcuNormalizer.IsTriviallyComposed(pairs));
        Assert.Equal(pairs, IcuNormalizer.Shared.ToNfc(pairs));
    }

    [Theory]
    [InlineData("a photo of a cat")]
    [InlineData("Zoë, naïve café, Ærøskøbing")]
    [InlineData("")]
    public void Without_icu_text_below_u0300_is_returned_as_it_is(string text)
    {
        Assert.Same(text, WithoutIcu.ToNfc(text));
    }

    [Fact]
    public void Without_icu_text_that_needs_composition_is_an_error_naming_the_library_and_the_fix()
    {
        var error = Assert.Throws<DllNotFoundException>(() => WithoutIcu.ToNfc("cafe\u0301"));

        Assert.Contains("libicuuc", error.Message, StringComparison.Ordinal);
        Assert.Contains("libdice-no-such-icu.so.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libicu72", error.Message, StringComparison.Ordinal);
        // The same error every time, not a silently unnormalized result after the first failure.
        Assert.Throws<DllNotFoundException>(() => WithoutIcu.ToNfc("\u212B"));
    }

    [Fact]
    public void Without_icu_full_width_text_ligatures_and_quotes_are_still_fixed()
    {
        // These fixes are tables of their own; only the NFC step needs ICU, and their results are below U+0300.
        Assert.Equal("LOUD fish 'n'", FtfyTextFixer.Fix("ＬＯＵＤ ﬁsh \u2018n\u2019", WithoutIcu));
    }
}
