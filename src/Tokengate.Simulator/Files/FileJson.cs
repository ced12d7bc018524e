using System.Text.Json;

namespace Tokengate.Simulator.Files;

/// <summary>The file object in Azure's shape.</summary>
internal static class FileJson
{
    public static void Write(Utf8JsonWriter w, StoredFile file, long nowTicks)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, file.Id);
        w.WriteString("object"u8, "file"u8);
        w.WriteNumber("bytes"u8, file.Content.Length);
        w.WriteNumber("created_at"u8, ResourceJson.UnixSeconds(file.CreatedTicks));
        w.WriteString("filename"u8, file.Filename);
        w.WriteString("purpose"u8, file.Purpose);
        var status = file.Status(nowTicks);
        w.WriteString("status"u8, status);
        if (status == "error")
        {
            w.WriteString("status_details"u8, file.StatusDetails);
        }

        if (file.ExpiresTicks is long expires)
        {
            w.WriteNumber("expires_at"u8, ResourceJson.UnixSeconds(expires));
        }

        w.WriteEndObject();
    }

    public static void WriteList(Utf8JsonWriter w, List<StoredFile> page, bool hasMore, long nowTicks)
    {
        w.WriteStartObject();
        w.WriteString("object"u8, "list"u8);
        w.WriteStartArray("data"u8);
        foreach (var file in page)
        {
            Write(w, file, nowTicks);
        }

        w.WriteEndArray();
        ResourceJson.WriteNullableString(w, "first_id", page.Count > 0 ? page[0].Id : null);
        ResourceJson.WriteNullableString(w, "last_id", page.Count > 0 ? page[^1].Id : null);
        w.WriteBoolean("has_more"u8, hasMore);
        w.WriteEndObject();
    }

    public static void WriteDeleted(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "file"u8);
        w.WriteBoolean("deleted"u8, true);
        w.WriteEndObject();
    }
}
