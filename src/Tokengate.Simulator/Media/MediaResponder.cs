using System.Text.Json;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Media;

/// <summary>Hands each media operation to its responder: JSON bodies (generations, speech) and forms (edits, audio uploads).</summary>
internal sealed class MediaResponder(ImagesResponder images, TranscriptionsResponder transcriptions, SpeechResponder speech)
{
    public Task HandleJsonAsync(SimulatedCall call, JsonElement root) =>
        call.Operation == MediaOperations.Speech ? speech.HandleAsync(call, root) : images.GenerateAsync(call, root);

    public Task HandleFormAsync(SimulatedCall call, MediaForm form) =>
        call.Operation == MediaOperations.ImageEdits ? images.EditAsync(call, form) : transcriptions.HandleAsync(call, form);
}
