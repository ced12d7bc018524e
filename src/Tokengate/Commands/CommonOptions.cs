using System.CommandLine;

namespace Tokengate.Commands;

/// <summary>Options several commands share, so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Urls(string defaultUrls) => new("--urls")
    {
        Description = "Addresses to listen on, separated by ';'. Loopback unless you say otherwise.",
        DefaultValueFactory = _ => defaultUrls,
    };

    public static Option<FileInfo?> Config() => new("--config", "-c")
    {
        Description = "A JSON configuration file, read after appsettings.json and before environment variables; changes are reloaded.",
    };

    public static Option<DirectoryInfo> Data() => new("--data")
    {
        Description = "The running gateway's data folder (where 'tokengate up' keeps its data). Default: ./tokengate-data.",
        DefaultValueFactory = _ => new DirectoryInfo("tokengate-data"),
    };
}
