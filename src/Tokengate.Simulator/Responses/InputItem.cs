namespace Tokengate.Simulator.Responses;

/// <summary>One stored input item: its id (for <c>input_items</c> cursors) and its normalized JSON.</summary>
internal sealed record InputItem(string Id, byte[] Json);
