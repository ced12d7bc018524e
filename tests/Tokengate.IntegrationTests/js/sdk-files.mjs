// Drives the official openai npm client's Files and Uploads calls against a Tokengate endpoint and prints one JSON
// object of results. Usage: node sdk-files.mjs <endpoint> <key> <jsonl file>
import crypto from 'node:crypto';
import fs from 'node:fs';
import OpenAI, { AzureOpenAI, toFile } from 'openai';

const [endpoint, apiKey, jsonlPath] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');
const jsonl = fs.readFileSync(jsonlPath);
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

const openai = new OpenAI({ baseURL: `${base}/openai/v1/`, apiKey, maxRetries: 0 });
const azure = new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2025-04-01-preview', maxRetries: 0 });

async function roundTrip(client) {
  const created = await client.files.create({ file: await toFile(jsonl, 'train.jsonl'), purpose: 'fine-tune' });
  const listed = await client.files.list({ purpose: 'fine-tune' });
  const retrieved = await client.files.retrieve(created.id);
  const content = Buffer.from(await (await client.files.content(created.id)).arrayBuffer());
  const deleted = await client.files.delete(created.id);
  let afterDelete = null;
  try {
    await client.files.retrieve(created.id);
  } catch (e) {
    afterDelete = e.status;
  }
  return {
    id: created.id, bytes: created.bytes, purpose: retrieved.purpose, listed: listed.data.some((f) => f.id === created.id),
    sha256: sha256(content), deleted: deleted.deleted, afterDelete,
  };
}

// Three parts sent out of order, completed in order with the MD5 of the whole.
async function upload(client) {
  const size = 5 * 1024 * 1024 + 123;
  const data = crypto.randomBytes(size);
  const cut = [0, 2 * 1024 * 1024, 4 * 1024 * 1024, size];
  const created = await client.uploads.create({ filename: 'blob.bin', purpose: 'assistants', bytes: size, mime_type: 'application/octet-stream' });
  const parts = [];
  for (const i of [2, 0, 1]) {
    const part = await client.uploads.parts.create(created.id, { data: await toFile(data.subarray(cut[i], cut[i + 1]), `part${i}`) });
    parts[i] = part.id;
  }
  const md5 = crypto.createHash('md5').update(data).digest('hex');
  const completed = await client.uploads.complete(created.id, { part_ids: parts, md5 });
  const content = Buffer.from(await (await client.files.content(completed.file.id)).arrayBuffer());
  return { status: completed.status, fileBytes: completed.file.bytes, same: sha256(content) === sha256(data) };
}

const result = {
  expectedSha256: sha256(jsonl),
  openai: await roundTrip(openai),
  azure: await roundTrip(azure),
  upload: await upload(openai),
};
console.log(JSON.stringify(result));
