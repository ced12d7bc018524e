using System.Text;

namespace Tokengate.Screening;

public sealed class AzureAnnotationReaderTests
{
    private static AzurePromptAnnotations Read(string json) => AzureAnnotationReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Read_SafeChatBody_None() => Assert.Equal(AzurePromptAnnotations.None, Read("""
        {"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false}}}],
         "choices":[{"message":{"content":"\"jailbreak\":{\"detected\":true}"},"content_filter_results":{"protected_material_text":{"filtered":false,"detected":false}}}]}
        """));

    [Fact]
    public void Read_ChatJailbreakDetectedNotFiltered_Jailbreak() => Assert.Equal(AzurePromptAnnotations.Jailbreak, Read("""
        {"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"jailbreak":{"filtered":false,"detected": true}}}],"choices":[]}
        """));

    [Fact]
    public void Read_IndirectAttackInStreamChunk_IndirectAttack() => Assert.Equal(AzurePromptAnnotations.IndirectAttack, Read("""
        {"id":"","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"jailbreak":{"filtered":false,"detected":false},"indirect_attack":{"detected":true,"filtered":false}}}]}
        """));

    [Fact]
    public void Read_ContentFilter400_JailbreakFiltered() => Assert.Equal(AzurePromptAnnotations.Jailbreak | AzurePromptAnnotations.Filtered, Read("""
        {"error":{"message":"filtered","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation",
         "content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":true,"detected":true}}}}}
        """));

    [Fact]
    public void Read_ResponsesContentFilters_Jailbreak() => Assert.Equal(AzurePromptAnnotations.Jailbreak, Read("""
        {"id":"resp_1","content_filters":[{"blocked":false,"source_type":"prompt","content_filter_results":{"jailbreak":{"filtered":false,"detected":true}}}]}
        """));
}
