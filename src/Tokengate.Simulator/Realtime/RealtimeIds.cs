using System.Security.Cryptography;

namespace Tokengate.Simulator.Realtime;

/// <summary>Ids shaped like the service's: a type prefix and 21 letters and digits (<c>sess_…</c>, <c>item_…</c>, <c>event_…</c>).</summary>
internal static class RealtimeIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Session() => New("sess_");

    public static string Event() => New("event_");

    public static string Item() => New("item_");

    public static string Response() => New("resp_");

    public static string Conversation() => New("conv_");

    public static string Call() => New("call_");

    private static string New(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 21);
}
