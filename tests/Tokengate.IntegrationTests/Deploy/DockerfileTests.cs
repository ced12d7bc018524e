using System.Text.RegularExpressions;

namespace Tokengate.IntegrationTests.Deploy;

/// <summary>
/// deploy/Dockerfile, read as text (no container engine here to build it): a multi-stage build of src/Tokengate, a
/// non-root user, the entry point the Container App's arguments extend, and the port the probes use.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(BicepCli.DeployDirectory, "Dockerfile"));

    [Fact]
    public void Dockerfile_BuildsAndRunsTheGateway_AsNonRootOnPort8080()
    {
        var instructions = Instruction().Matches(Dockerfile).Select(m => (Name: m.Groups[1].Value, Argument: m.Groups[2].Value.Trim())).ToList();

        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0 AS build", "mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime"], instructions.Where(i => i.Name == "FROM").Select(i => i.Argument));
        Assert.Contains(instructions, i => i.Name == "RUN" && i.Argument.StartsWith("dotnet publish src/Tokengate/Tokengate.csproj -c Release", StringComparison.Ordinal));
        var user = instructions.Last(i => i.Name == "USER").Argument;
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.Equal("$APP_UID", user);
        Assert.Equal("8080", Assert.Single(instructions, i => i.Name == "EXPOSE").Argument);
        Assert.Equal("[\"dotnet\", \"tokengate.dll\"]", Assert.Single(instructions, i => i.Name == "ENTRYPOINT").Argument);
        Assert.Equal("[\"serve\", \"--urls\", \"http://0.0.0.0:8080\"]", Assert.Single(instructions, i => i.Name == "CMD").Argument);
        Assert.Equal("[\"/data\", \"/tmp\"]", Assert.Single(instructions, i => i.Name == "VOLUME").Argument);
        Assert.Contains("Tokengate__Data__Directory=/data", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_PublishesTheAssemblyItsEntryPointNames()
    {
        var project = File.ReadAllText(Path.Combine(Infrastructure.RepositoryPaths.Root, "src", "Tokengate", "Tokengate.csproj"));

        Assert.Contains("<AssemblyName>tokengate</AssemblyName>", project, StringComparison.Ordinal);
        // Optimized code from the first call: on a one-CPU replica tier-0 code otherwise serves for tens of seconds.
        Assert.Contains("<TieredCompilationQuickJit>false</TieredCompilationQuickJit>", project, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(FROM|RUN|USER|EXPOSE|ENTRYPOINT|CMD|VOLUME|ENV|COPY|WORKDIR)\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Instruction();
}
