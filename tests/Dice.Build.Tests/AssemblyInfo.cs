using System.Runtime.Versioning;

// ELF libraries, /proc and hard links: these tests are about Linux hosts only.
[assembly: SupportedOSPlatform("linux")]
