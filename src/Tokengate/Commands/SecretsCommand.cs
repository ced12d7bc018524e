using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Tokengate.Configuration;
using Tokengate.Secrets;

namespace Tokengate.Commands;

/// <summary><c>tokengate secrets</c>: the local encrypted secret file behind <c>file:NAME</c> references.</summary>
internal static class SecretsCommand
{
    public static Command Create()
    {
        // Given before or after the subcommand: 'secrets --config x list' and 'secrets list --config x'.
        var config = CommonOptions.Config();
        config.Recursive = true;
        var file = new Option<FileInfo?>("--file") { Description = "The secret file. Default: Tokengate:Secrets:FilePath of --config, else tokengate-data/secrets.enc.", Recursive = true };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "The key file. Default: Tokengate:Secrets:KeyPath of --config, else tokengate-data/secrets.key.", Recursive = true };
        var name = new Argument<string>("name") { Description = "The secret's name: letters, digits, '_', '-' and '.'; referenced as 'file:NAME'." };

        var init = new Command("init", "Create a new key (mode 0600) and an empty secret file. Keep the key apart from the file (another volume, or an environment variable via Tokengate:Secrets:KeyEnvironmentVariable).");
        init.SetAction(parse => Run(parse, config, file, keyFile, options =>
        {
            if (File.Exists(options.FilePath)) throw new InvalidOperationException($"the secret file '{options.FilePath}' already exists.");
            var key = string.IsNullOrEmpty(options.KeyEnvironmentVariable) ? SecretFileKey.Create(options.KeyPath) : SecretFileKey.Read(options);
            try
            {
                SecretFile.Write(options.FilePath, key, new Dictionary<string, string>());
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
            var keySource = string.IsNullOrEmpty(options.KeyEnvironmentVariable) ? $"key file {options.KeyPath}" : $"key from {options.KeyEnvironmentVariable}";
            Console.Out.WriteLine($"Created the secret file {options.FilePath} ({keySource}).");
            return 0;
        }));

        var value = new Option<string?>("--value") { Description = "The secret. Default: read from standard input, so it stays out of shell history." };
        var set = new Command("set", "Add or replace a secret.") { name, value };
        set.SetAction(parse => Run(parse, config, file, keyFile, options =>
        {
            var secretName = parse.GetValue(name)!;
            if (!SecretFile.IsValidName(secretName)) return InvalidName(secretName);
            var secret = parse.GetValue(value) ?? Console.In.ReadToEnd().TrimEnd('\r', '\n');
            if (secret.Length == 0)
            {
                Console.Error.WriteLine("No value given (use --value or standard input).");
                return 2;
            }
            Edit(options, secrets => secrets[secretName] = secret);
            Console.Out.WriteLine($"Saved '{secretName}'. Reference it as 'file:{secretName}'.");
            return 0;
        }));

        var list = new Command("list", "Print the names of the stored secrets (never their values).");
        list.SetAction(parse => Run(parse, config, file, keyFile, options =>
        {
            foreach (var secretName in Load(options).Keys.Order(StringComparer.Ordinal)) Console.Out.WriteLine(secretName);
            return 0;
        }));

        var remove = new Command("remove", "Delete a secret.") { name };
        remove.SetAction(parse => Run(parse, config, file, keyFile, options =>
        {
            var secretName = parse.GetValue(name)!;
            var removed = false;
            Edit(options, secrets => removed = secrets.Remove(secretName));
            if (!removed)
            {
                Console.Error.WriteLine($"No secret is named '{secretName}'.");
                return 1;
            }
            Console.Out.WriteLine($"Removed '{secretName}'.");
            return 0;
        }));

        return new Command("secrets", "The local encrypted secret file (AES-256-GCM) for 'file:NAME' references.") { config, file, keyFile, init, set, list, remove };
    }

    private static int Run(ParseResult parse, Option<FileInfo?> config, Option<FileInfo?> file, Option<FileInfo?> keyFile, Func<SecretsOptions, int> action)
    {
        var configFile = parse.GetValue(config);
        if (configFile is { Exists: false })
        {
            Console.Error.WriteLine($"Configuration file not found: {configFile.FullName}");
            return 2;
        }

        var builder = new ConfigurationBuilder();
        if (configFile is not null) builder.AddJsonFile(configFile.FullName, optional: false);
        var options = builder.AddEnvironmentVariables().Build().GetSection(SecretsOptions.SectionPath).Get<SecretsOptions>() ?? new SecretsOptions();
        if (parse.GetValue(file) is { } f) options.FilePath = f.FullName;
        if (parse.GetValue(keyFile) is { } k)
        {
            options.KeyPath = k.FullName;
            options.KeyEnvironmentVariable = null;
        }

        try
        {
            return action(options);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"tokengate secrets: {ex.Message}");
            return 1;
        }
    }

    private static Dictionary<string, string> Load(SecretsOptions options)
    {
        var key = SecretFileKey.Read(options);
        try
        {
            return SecretFile.Read(options.FilePath, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void Edit(SecretsOptions options, Action<Dictionary<string, string>> edit)
    {
        var key = SecretFileKey.Read(options);
        try
        {
            var secrets = SecretFile.Read(options.FilePath, key);
            edit(secrets);
            SecretFile.Write(options.FilePath, key, secrets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static int InvalidName(string name)
    {
        Console.Error.WriteLine($"'{name}' is not a secret name: use 1 to 128 letters, digits, '_', '-' and '.'.");
        return 2;
    }
}
