namespace Tokengate.IntegrationTests; public class PlaceholderTests { [Fact] public void Works() => Assert.True(true); }
