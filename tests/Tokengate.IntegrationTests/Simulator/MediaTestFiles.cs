using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Fixtures and independent decoders for the media tests: a WAV writer, a PNG checker, multipart and SSE helpers.</summary>
internal static class MediaTestFiles
{
    /// <summary>A 16-bit mono PCM WAV file, with a LIST chunk before the data so a reader has to walk the chunks.</summary>
    public static byte[] Wav(int sampleRate, int samples, int seed = 1)
    {
        var list = "LIST"u8.ToArray().Concat(BitConverter.GetBytes(4)).Concat("INFO"u8.ToArray()).ToArray();
        var data = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), (short)(((i * 37) + seed) % 2000));
        }

        using var file = new MemoryStream();
        var w = new BinaryWriter(file);
        w.Write("RIFF"u8);
        w.Write(4 + 24 + list.Length + 8 + data.Length);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(sampleRate);
        w.Write(sampleRate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write(list);
        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        return file.ToArray();
    }

    /// <summary>
    /// Checks a PNG completely: signature, chunk order, every CRC (computed bit by bit here, independently of the
    /// simulator's table), and that the IDAT data inflates to exactly one filtered scanline per row. Returns the header.
    /// </summary>
    public static (int Width, int Height, int ColorType) CheckPng(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var offset = 8;
        var types = new List<string>();
        using var idat = new MemoryStream();
        int width = 0, height = 0, colorType = 0;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(BitwiseCrc32(png.AsSpan(offset + 4, 4 + length)), crc);
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                colorType = data[9];
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var channels = colorType == 6 ? 4 : 3;
        var raw = inflated.ToArray();
        Assert.Equal(height * (1 + (width * channels)), raw.Length);
        for (var y = 0; y < height; y++)
        {
            Assert.InRange(raw[y * (1 + (width * channels))], 0, 4);
        }

        return (width, height, colorType);
    }

    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
            }
        }

        return ~crc;
    }

    /// <summary>A multipart body: files as (field, file name, bytes), then text fields.</summary>
    public static MultipartFormDataContent Form(IEnumerable<(string Field, string FileName, byte[] Content)> files, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, fileName, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "application/octet-stream");
            form.Add(part, field, fileName);
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static async Task<HttpResponseMessage> PostFormAsync(SimulatorHarness sim, string path, MultipartFormDataContent form, string? key = SimulatorHarness.Key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (key is not null)
        {
            request.Headers.Add("api-key", key);
        }

        return await sim.Http.SendAsync(request);
    }

    /// <summary>Server-sent events as (event name or null, JSON data); a <c>[DONE]</c> line fails the test.</summary>
    public static List<(string? Event, JsonElement Data)> ParseEvents(string body)
    {
        var events = new List<(string?, JsonElement)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            string? data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }

            Assert.NotNull(data);
            Assert.NotEqual("[DONE]", data);
            events.Add((name, JsonDocument.Parse(data).RootElement.Clone()));
        }

        return events;
    }
}
