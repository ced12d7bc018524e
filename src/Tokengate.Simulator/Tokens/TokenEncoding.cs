namespace Tokengate.Simulator.Tokens;

internal enum TokenEncoding
{
    O200kBase,
    Cl100kBase,
}
