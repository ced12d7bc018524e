namespace Tokengate.Screening;

/// <summary>Azure AI Content Safety Prompt Shields (<c>Tokengate:Screening:PromptShields</c>).</summary>
public sealed class PromptShieldsOptions
{
}
