namespace Tokengate.Simulator; internal static class Placeholder;
