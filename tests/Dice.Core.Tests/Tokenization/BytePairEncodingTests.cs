using Dice.Core.Tokenization;

namespace Dice.Core.Tests.Tokenization;

/// <summary>The BPE rules on hand-made vocabularies, where every expected id can be read off the symbol list.</summary>
public sealed class BytePairEncodingTests
{
    // Ids are the indices in this list; "<|startoftext|>" and "<|endoftext|>" follow as 10 and 11.
    private static readonly string[] Symbols = ["a", "b", "a</w>", "b</w>", "aa", "aa</w>", "ab</w>", "aab</w>", "ba", "aaa"];

    private static ClipTokenizer Tiny(params string[] merges)
    {
        using var directory = new TempDirectory();
        ClipFiles.WriteTiny(directory, Symbols, merges);
        return ClipTokenizer.Load(directory.Path);
    }

    [Fact]
    public void Without_merges_a_word_is_its_bytes_with_the_last_one_marked_as_word_end()
    {
        Assert.Equal([0, 1, 0, 3], Tiny().Encode("abab"));
        Assert.Equal([2, 3], Tiny().Encode("a b"));
    }

    [Fact]
    public void The_lowest_ranked_pair_is_merged_first()
    {
        // "aab": a a b</w>. With "a a" ranked first: aa b</w> → aab</w>; with "a b</w>" first: a ab</w>, then stuck.
        Assert.Equal([7], Tiny("a a", "a b</w>", "aa b</w>").Encode("aab"));
        Assert.Equal([0, 6], Tiny("a b</w>", "a a", "aa b</w>").Encode("aab"));
    }

    [Fact]
    public void Every_occurrence_of_the_best_pair_is_merged_left_to_right_without_overlap()
    {
        // "aaaaa": a a a a a</w> → aa aa a</w>, never a aa aa</w>.
        Assert.Equal([4, 4, 2], Tiny("a a").Encode("aaaaa"));
        // "aaab": a a a b</w> → aa a b</w>, never a aa b</w>.
        Assert.Equal([4, 0, 3], Tiny("a a").Encode("aaab"));
        // "aaa" with both "a a" and "a a</w>": the first pair wins where it starts, leaving a</w>.
        Assert.Equal([4, 2], Tiny("a a", "a a</w>").Encode("aaa"));
        Assert.Equal([0, 5], Tiny("a a</w>", "a a").Encode("aaa"));
    }

    [Fact]
    public void Merges_repeat_until_no_pair_has_a_rank()
    {
        // "baab": b a a b</w> → (rank 0) b aa b</w> → (rank 1) b aab</w>; "b a" exists but "b aa" does not.
        Assert.Equal([1, 7], Tiny("a a", "aa b</w>", "b a").Encode("baab"));
        // "b a" ranked first takes the b: ba a b</w>; then "a b</w>" gives ba ab</w>.
        Assert.Equal([8, 6], Tiny("b a", "a b</w>", "a a", "aa b</w>").Encode("baab"));
    }

    [Fact]
    public void A_pair_listed_twice_keeps_its_last_rank()
    {
        // "a a" is listed first and last: ranked after "a b</w>", so "aab" (a a b</w>) → a ab</w>, not aa b</w> → aab</w>.
        Assert.Equal([0, 6], Tiny("a a", "a b</w>", "aa b</w>", "a a").Encode("aab"));
        Assert.Equal([7], Tiny("a a", "a b</w>", "aa b</w>").Encode("aab"));
    }

    [Fact]
    public void A_merge_whose_result_forms_a_pair_ranked_before_it_is_applied_at_once()
    {
        // Never the case in a learned merges list (a pair with a merged symbol is learned after the merge that made it),
        // and the one place where the package differs from CLIP (see README.md). "aaaaa" with "aa a" ranked before
        // "a a": a a a a a</w> → (a a, leftmost) aa a a a</w> → (aa a, now the best pair) aaa a a</w>; "a a</w>" has no
        // merge. CLIP merges every "a a" of a round first and gives aa aa a</w> ([4, 4, 2]).
        Assert.Equal([9, 0, 2], Tiny("aa a", "a a").Encode("aaaaa"));
    }

    [Fact]
    public void A_byte_missing_from_the_vocabulary_becomes_the_unknown_token()
    {
        var tokenizer = Tiny("a a");

        Assert.Equal(11, tokenizer.UnkId);
        Assert.Equal([4, 11], tokenizer.Encode("aac"));
        Assert.Equal([11, 11, 0, 3], tokenizer.Encode("éab"));
    }
}
