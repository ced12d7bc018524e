using System.CommandLine;
using Tokengate.Encryption;

namespace Tokengate.Commands;

/// <summary><c>tokengate encryption</c>: key-encryption keys for encryption at rest.</summary>
internal static class EncryptionCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out")
        {
            Description = "Where to write the key: base64 of 32 random bytes, mode 0600. Keep it outside the data folder, and back it up: without it stored data cannot be read.",
            Required = true,
        };
        var createKey = new Command("create-key", "Create a local key-encryption key file for Tokengate:Encryption:LocalKeys (never replaces an existing file).") { output };
        createKey.SetAction(parse =>
        {
            var path = parse.GetValue(output)!.FullName;
            try
            {
                LocalKeyFile.Create(path);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Cannot create the key: {ex.Message}");
                return 1;
            }
            Console.Out.WriteLine($"Created the key file {path}. Add it under Tokengate:Encryption:LocalKeys (e.g. \"kek-2\": \"{path}\"), make it CurrentKey, restart, then run 'tokengate encryption rotate'.");
            return 0;
        });

        var data = CommonOptions.Data();
        var rotate = new Command("rotate", "Re-wrap every data key with the current key-encryption key (Tokengate:Encryption:CurrentKey) of the running gateway.") { data };
        rotate.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, "encryption/rotate", null, answer =>
        {
            var text = new System.Text.StringBuilder();
            text.AppendLine($"{AdminCommand.Cell(answer, "rewrapped")} data keys re-wrapped with {AdminCommand.Cell(answer, "current_key")}.");
            foreach (var key in answer.GetProperty("keys").EnumerateObject()) text.AppendLine($"  {key.Name}: {key.Value} data keys");
            return text.ToString();
        }, ct));

        return new Command("encryption", "Encryption at rest: key-encryption keys and their rotation.") { createKey, rotate };
    }
}
