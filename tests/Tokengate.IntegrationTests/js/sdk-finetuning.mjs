// Drives the official openai npm client's fine-tuning calls against a Tokengate endpoint and prints one JSON object
// of results. Usage: node sdk-finetuning.mjs <endpoint> <key> <jsonl file> <model>
import fs from 'node:fs';
import OpenAI, { AzureOpenAI, toFile } from 'openai';

const [endpoint, apiKey, jsonlPath, model] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');
const jsonl = fs.readFileSync(jsonlPath);

const openai = new OpenAI({ baseURL: `${base}/openai/v1/`, apiKey, maxRetries: 0 });
const azure = new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2025-04-01-preview', maxRetries: 0 });

async function lifecycle(client) {
  const file = await client.files.create({ file: await toFile(jsonl, 'train.jsonl'), purpose: 'fine-tune' });
  const job = await client.fineTuning.jobs.create({ model, training_file: file.id, suffix: 'npm' });
  const retrieved = await client.fineTuning.jobs.retrieve(job.id);
  const events = await client.fineTuning.jobs.listEvents(job.id, { limit: 20 });
  const listed = await client.fineTuning.jobs.list({ limit: 10 });
  // Under `tokengate up` jobs finish at once: cancelling a finished job is the backend's 400, relayed.
  let cancelled;
  try {
    cancelled = (await client.fineTuning.jobs.cancel(job.id)).status;
  } catch (e) {
    cancelled = e.status;
  }
  return {
    fileId: file.id, id: job.id, model: job.model, trainingFile: retrieved.training_file, status: retrieved.status,
    fineTunedModel: retrieved.fine_tuned_model, events: events.data.length, listed: listed.data.some((j) => j.id === job.id), cancelled,
  };
}

console.log(JSON.stringify({ openai: await lifecycle(openai), azure: await lifecycle(azure) }));
