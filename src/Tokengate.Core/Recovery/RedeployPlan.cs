namespace Tokengate.Recovery;

/// <summary>
/// <c>tokengate dr redeploy-plan</c>'s answer: for each fine-tuned model in the registry, the calls that recreate it on
/// <see cref="TargetEndpoint"/> (upload each file, then create the job as it was first sent).
/// </summary>
/// <param name="TargetEndpoint">The backend (or gateway) the plan is for.</param>
/// <param name="Source">Where the registry was read: the data folder's database, or a backup's snapshot.</param>
/// <param name="Models">One entry per fine-tuned model.</param>
internal sealed record RedeployPlan(string TargetEndpoint, string Source, IReadOnlyList<RedeployModel> Models);
