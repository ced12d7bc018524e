namespace Tokengate.Hosting; internal static class Placeholder;
