using System.Text;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// Writes a tiny ONNX sequence classifier with a hand-rolled protobuf encoder (no package, no download):
/// <c>logits = ReduceMax(Gather(E, input_ids) * attention_mask, axis 1)</c>, opset 11. Every token's row in E is
/// [2, 0] (benign) except the attack tokens' [0, 6], so a sequence holding an attack token gets
/// P(attack) = 1 / (1 + e^-4) ≈ 0.98 and one without it 1 / (1 + e^2) ≈ 0.12. The padding token's row is [0, 10]:
/// if the detector got the attention mask wrong, padded sequences would turn into attacks.
/// </summary>
internal static class OnnxTestModel
{
    public const float AttackProbability = 0.98201376f;
    public const float BenignProbability = 0.11920292f;

    public static byte[] Build(int vocabSize, IReadOnlyCollection<int> attackIds, int padId,
        bool int32 = false, bool withMask = true, bool withTokenTypeIds = false)
    {
        var table = new float[vocabSize * 2];
        for (var id = 0; id < vocabSize; id++)
        {
            (table[id * 2], table[(id * 2) + 1]) = attackIds.Contains(id) ? (0f, 6f) : id == padId ? (0f, 10f) : (2f, 0f);
        }
        var idType = int32 ? 6 : 7;
        var graph = new Pb()
            .Msg(1, Node("Gather", ["E", "input_ids"], ["emb"], new Pb().Str(1, "axis").Int(3, 0).Int(20, 2)));
        var reduced = "emb";
        if (withMask)
        {
            graph.Msg(1, Node("Cast", ["attention_mask"], ["mask_f"], new Pb().Str(1, "to").Int(3, 1).Int(20, 2)))
                .Msg(1, Node("Unsqueeze", ["mask_f"], ["mask3"], new Pb().Str(1, "axes").Int(8, 2).Int(20, 7)))
                .Msg(1, Node("Mul", ["emb", "mask3"], ["masked"]));
            reduced = "masked";
        }
        graph.Msg(1, Node("ReduceMax", [reduced], ["logits"], new Pb().Str(1, "axes").Int(8, 1).Int(20, 7), new Pb().Str(1, "keepdims").Int(3, 0).Int(20, 2)))
            .Str(2, "tiny-injection-classifier")
            .Msg(5, new Pb().Int(1, vocabSize).Int(1, 2).Int(2, 1).Str(8, "E").Bytes(9, FloatBytes(table)))
            .Msg(11, Value("input_ids", idType, "batch", "sequence"));
        if (withMask) graph.Msg(11, Value("attention_mask", idType, "batch", "sequence"));
        if (withTokenTypeIds) graph.Msg(11, Value("token_type_ids", idType, "batch", "sequence"));
        graph.Msg(12, Value("logits", 1, "batch", 2));
        return new Pb()
            .Int(1, 7)                                   // ir_version
            .Str(2, "tokengate-tests")                   // producer_name
            .Msg(7, graph)
            .Msg(8, new Pb().Str(1, "").Int(2, 11))      // opset_import: default domain, opset 11
            .ToArray();
    }

    private static Pb Node(string op, string[] inputs, string[] outputs, params Pb?[] attributes)
    {
        var node = new Pb();
        foreach (var input in inputs) node.Str(1, input);
        foreach (var output in outputs) node.Str(2, output);
        node.Str(3, op + "_" + outputs[0]).Str(4, op);
        foreach (var attribute in attributes) if (attribute is not null) node.Msg(5, attribute);
        return node;
    }

    private static Pb Value(string name, int elemType, params object[] dims)
    {
        var shape = new Pb();
        foreach (var dim in dims) shape.Msg(1, dim is string param ? new Pb().Str(2, param) : new Pb().Int(1, (int)dim));
        return new Pb().Str(1, name).Msg(2, new Pb().Msg(1, new Pb().Int(1, elemType).Msg(2, shape)));
    }

    private static byte[] FloatBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>The protobuf wire format, as much as ONNX needs: varints and length-delimited fields.</summary>
    private sealed class Pb
    {
        private readonly MemoryStream _stream = new();

        public Pb Int(int field, long value) { Varint((ulong)((field << 3) | 0)); Varint((ulong)value); return this; }

        public Pb Str(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Pb Msg(int field, Pb message) => Bytes(field, message.ToArray());

        public Pb Bytes(int field, byte[] value)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Varint(ulong value)
        {
            while (value >= 0x80) { _stream.WriteByte((byte)(value | 0x80)); value >>= 7; }
            _stream.WriteByte((byte)value);
        }
    }
}
