using Azure.Core;

namespace Tokengate.IntegrationTests.Screening.PromptShields;

/// <summary>A JWT-shaped Entra token that never expires within a test, counting how often it is asked for.</summary>
internal sealed class StaticTokenCredential : TokenCredential
{
    public const string Token = "eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.c2ln";

    public int Requests { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests++;
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
