using System.CommandLine;
using Tokengate.Identity;

namespace Tokengate.Commands;

/// <summary><c>tokengate keys</c>: consumer key tools.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var key = new Argument<string?>("key") { Description = "The key to hash; read from standard input when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var hash = new Command("hash", "Print the 'sha256:...' form of a key, for Tokengate:Consumers:NAME:KeyHashes.") { key };
        hash.SetAction(async parse =>
        {
            var value = parse.GetValue(key) ?? (await Console.In.ReadLineAsync().ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                await Console.Error.WriteLineAsync("No key given.").ConfigureAwait(false);
                return 2;
            }
            await Console.Out.WriteLineAsync(KeyHash.Format(value)).ConfigureAwait(false);
            return 0;
        });

        var generate = new Command("generate", "Print a new random consumer key (keep it secret) and its hash.");
        generate.SetAction(async _ =>
        {
            var value = ConsumerKeys.Generate("tg_");
            await Console.Out.WriteLineAsync($"key:  {value}\nhash: {KeyHash.Format(value)}").ConfigureAwait(false);
            return 0;
        });

        return new Command("keys", "Consumer key tools.") { hash, generate };
    }
}
