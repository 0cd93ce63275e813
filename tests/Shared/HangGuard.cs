namespace Dice.Tests.Shared;

/// <summary>
/// How long a test waits for a child process before calling it hung. It equals CI's own limit for the whole run, so a
/// slow or busy machine never fails a test: only a process that would also stop CI is killed, and named.
/// </summary>
internal static class HangGuard
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(90);
}
