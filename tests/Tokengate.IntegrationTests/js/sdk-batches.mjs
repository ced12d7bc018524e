// Drives the official openai npm client's batch calls in azure mode (header x-tokengate-batch-mode: azure) against a
// Tokengate endpoint and prints one JSON object of results.
// Usage: node sdk-batches.mjs <endpoint> <key> <jsonl file>
import fs from 'node:fs';
import OpenAI, { AzureOpenAI, toFile } from 'openai';

const [endpoint, apiKey, jsonlPath] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');
const jsonl = fs.readFileSync(jsonlPath);
const azureMode = { headers: { 'x-tokengate-batch-mode': 'azure' } };

const openai = new OpenAI({ baseURL: `${base}/openai/v1/`, apiKey, maxRetries: 0 });
const azure = new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2025-04-01-preview', maxRetries: 0 });

async function lifecycle(client) {
  const file = await client.files.create({ file: await toFile(jsonl, 'batch.jsonl'), purpose: 'batch' });
  const created = await client.batches.create(
    { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { sdk: 'npm' } }, azureMode);
  const deadline = Date.now() + 30_000;
  let batch = created;
  while (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
    if (Date.now() > deadline) throw new Error(`batch ${batch.id} still ${batch.status}`);
    await new Promise((r) => setTimeout(r, 100));
    batch = await client.batches.retrieve(created.id);
  }
  const output = batch.output_file_id ? await (await client.files.content(batch.output_file_id)).text() : '';
  const lines = output.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  return {
    fileId: file.id, id: created.id, createdStatus: created.status, status: batch.status, model: batch.model,
    inputFileId: batch.input_file_id, outputFileId: batch.output_file_id, completed: batch.request_counts.completed,
    usage: batch.usage ?? null, customIds: lines.map((l) => l.custom_id).sort(),
    statusCodes: lines.map((l) => l.response.status_code),
  };
}

console.log(JSON.stringify({ openai: await lifecycle(openai), azure: await lifecycle(azure) }));
