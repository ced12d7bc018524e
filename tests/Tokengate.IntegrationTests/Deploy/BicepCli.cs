using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Deploy;

/// <summary>
/// The Bicep CLI from the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c>, restored on first use with
/// <c>dotnet restore tools/bicep/bicep.csproj</c> (offline from the package cache when it is there), and the templates
/// of <c>deploy/</c> compiled, linted and expanded with it.
/// </summary>
internal static class BicepCli
{
    public const string Version = "0.49.2";

    /// <summary>What the parameter files read from the environment; never a real password.</summary>
    public const string TestPassword = "not-a-real-password-0123";

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> Binary = new(FindOrRestore, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<string, Lazy<JsonObject>> Snapshots = new(StringComparer.Ordinal);

    public static string DeployDirectory { get; } = Path.Combine(RepositoryPaths.Root, "deploy");

    public static string[] Templates { get; } =
        [.. new[] { "main.bicep", "types.bicep" }.Concat(Directory.GetFiles(Path.Combine(DeployDirectory, "modules"), "*.bicep").Select(f => "modules/" + Path.GetFileName(f)).Order(StringComparer.Ordinal))];

    public static string[] ParameterFiles { get; } = ["small.bicepparam", "production.bicepparam"];

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/> (deploy/ by default) with the test password set.</summary>
    public static BicepResult RunIn(string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Binary.Value)
        {
            WorkingDirectory = workingDirectory ?? DeployDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["TOKENGATE_POSTGRES_PASSWORD"] = TestPassword;
        start.Environment.Remove("TOKENGATE_IMAGE");
        start.Environment.Remove("TOKENGATE_REGISTRY");
        start.Environment.Remove("TOKENGATE_REGISTRY_ID");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return Execute(start);
    }

    public static BicepResult Run(params string[] args) => RunIn(null, null, args);

    /// <summary>The compiled ARM JSON of a template in deploy/.</summary>
    public static JsonObject Build(string template)
    {
        var result = Run("build", template, "--stdout");
        Assert.True(result.ExitCode == 0, $"bicep build {template} failed:\n{result.Output}");
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }

    /// <summary>
    /// <c>bicep snapshot</c> of a parameter file: every resource the deployment would create, modules and loops
    /// expanded, with every value computable before deployment evaluated (others stay ARM expressions such as
    /// <c>[reference(…).clientId]</c>), and the outputs. Made from a copy of deploy/ in which <c>environment()</c>'s
    /// suffixes are the public cloud's (snapshot does not evaluate <c>environment()</c>) and without bicepconfig.json
    /// (whose rules forbid exactly those literals).
    /// </summary>
    public static JsonObject Snapshot(string parameterFile, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var key = parameterFile + string.Concat((environment ?? new Dictionary<string, string?>()).Select(e => $"|{e.Key}={e.Value}"));
        return Snapshots.GetOrAdd(key, _ => new Lazy<JsonObject>(() => MakeSnapshot(parameterFile, environment))).Value;
    }

    private static JsonObject MakeSnapshot(string parameterFile, IReadOnlyDictionary<string, string?>? environment)
    {
        var copy = Directory.CreateTempSubdirectory("tokengate-deploy-").FullName;
        try
        {
            foreach (var source in Directory.GetFiles(DeployDirectory, "*.bicep*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(DeployDirectory, source);
                var target = Path.Combine(copy, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var text = File.ReadAllText(source)
                    .Replace("environment().suffixes.keyvaultDns", "'.vault.azure.net'", StringComparison.Ordinal)
                    .Replace("environment().suffixes.storage", "'core.windows.net'", StringComparison.Ordinal);
                File.WriteAllText(target, text);
            }
            var result = RunIn(copy, environment, "snapshot", parameterFile, "--mode", "overwrite",
                "--tenant-id", "00000000-0000-0000-0000-000000000001", "--subscription-id", "00000000-0000-0000-0000-000000000002",
                "--resource-group", "rg-tokengate", "--location", "swedencentral", "--deployment-name", "main");
            Assert.True(result.ExitCode == 0, $"bicep snapshot {parameterFile} failed:\n{result.Output}");
            var snapshotFile = Path.Combine(copy, Path.ChangeExtension(parameterFile, ".snapshot.json"));
            return JsonNode.Parse(File.ReadAllText(snapshotFile))!.AsObject();
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static string FindOrRestore()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            var locals = Execute(new ProcessStartInfo("dotnet", ["nuget", "locals", "global-packages", "--list"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            var line = locals.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
            packages = line is null
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
                : line["global-packages:".Length..].Trim();
        }
        var binary = Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        if (!File.Exists(binary))
        {
            var project = Path.Combine(RepositoryPaths.Root, "tools", "bicep", "bicep.csproj");
            var restore = Execute(new ProcessStartInfo("dotnet", ["restore", project]) { RedirectStandardOutput = true, RedirectStandardError = true });
            Assert.True(restore.ExitCode == 0 && File.Exists(binary), $"dotnet restore {project} did not bring {binary}:\n{restore.Output}");
        }
        // The package's binary is executable for its owner only (rwxr--r--).
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The Bicep CLI package restored here is the linux-x64 one.");
        var mode = File.GetUnixFileMode(binary);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(binary, mode | UnixFileMode.UserExecute);
        }
        return binary;
    }

    private static BicepResult Execute(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Deadline))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} ran past {Deadline}.");
        }
        return new BicepResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}
