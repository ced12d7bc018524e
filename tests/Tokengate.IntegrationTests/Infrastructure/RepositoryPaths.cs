namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Finds the repository from the test binaries, for scripts and the built command.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tokengate.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Tokengate.slnx not found above " + AppContext.BaseDirectory);
    }
}
