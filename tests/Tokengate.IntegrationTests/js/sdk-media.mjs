// Drives the official openai npm client's image and audio calls against a Tokengate endpoint and prints one JSON
// object of results. Usage: node sdk-media.mjs <endpoint> <key> <png file> <wav file> <out folder>
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import OpenAI, { AzureOpenAI, toFile } from 'openai';

const [endpoint, apiKey, pngPath, wavPath, outFolder] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');
const png = fs.readFileSync(pngPath);
const wav = fs.readFileSync(wavPath);
const apiVersion = '2025-04-01-preview';

const openai = new OpenAI({ baseURL: `${base}/openai/v1/`, apiKey, maxRetries: 0 });
const azure = (deployment) => new AzureOpenAI({ endpoint: base, apiKey, apiVersion, deployment, maxRetries: 0 });

function decoded(b64) {
  const bytes = Buffer.from(b64, 'base64');
  return { bytes: bytes.length, png: bytes.subarray(1, 4).toString('latin1') === 'PNG' };
}

async function generate(client, model, extra = {}) {
  const r = await client.images.generate({ model, prompt: 'A lighthouse at dawn', size: '1024x1024', ...extra });
  const first = r.data[0];
  return { images: r.data.length, usage: r.usage ?? null, first: first.b64_json ? decoded(first.b64_json) : { url: first.url } };
}

async function generateStream(client, model) {
  const stream = await client.images.generate({ model, prompt: 'A lighthouse at dawn', size: '1024x1024', quality: 'low', stream: true, partial_images: 2 });
  const types = [];
  let usage = null;
  let final = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'image_generation.completed') {
      usage = event.usage;
      final = decoded(event.b64_json);
    }
  }
  return { types, usage, final };
}

async function edit(client, model) {
  const r = await client.images.edit({
    model, prompt: 'Add a red boat', image: await toFile(png, 'input.png', { type: 'image/png' }), size: '1024x1024', quality: 'low',
  });
  return { images: r.data.length, usage: r.usage ?? null, first: decoded(r.data[0].b64_json) };
}

async function transcribe(client, model, response_format) {
  const r = await client.audio.transcriptions.create({ model, file: await toFile(wav, 'hello.wav', { type: 'audio/wav' }), response_format });
  return typeof r === 'string' ? { text: r } : { text: r.text, usage: r.usage ?? null, duration: r.duration ?? null };
}

async function transcribeStream(client, model) {
  const stream = await client.audio.transcriptions.create({ model, file: await toFile(wav, 'hello.wav', { type: 'audio/wav' }), stream: true });
  let text = '';
  let done = null;
  for await (const event of stream) {
    if (event.type === 'transcript.text.delta') text += event.delta;
    if (event.type === 'transcript.text.done') done = event;
  }
  return { deltas: text, text: done?.text ?? null, usage: done?.usage ?? null };
}

async function speechToFile(client, model, name) {
  const response = await client.audio.speech.create({ model, voice: 'alloy', input: 'The gateway relays speech as it is made.', response_format: 'wav' });
  const file = path.join(outFolder, name);
  await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(file));
  return { file, bytes: fs.statSync(file).size, contentType: response.headers.get('content-type') };
}

async function speechEvents(client, model) {
  const response = await client.audio.speech.create({ model, voice: 'alloy', input: 'Streamed as events.', stream_format: 'sse' });
  const text = await response.text();
  const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
  return { types: [...new Set(events.map((e) => e.type))], usage: events.find((e) => e.type === 'speech.audio.done')?.usage ?? null };
}

const result = {
  openaiImage: await generate(openai, 'gpt-image-1', { quality: 'low' }),
  azureImage: await generate(azure('gpt-image-1'), 'gpt-image-1', { quality: 'medium' }),
  dalle: await generate(openai, 'dall-e-3', { quality: 'hd', response_format: 'b64_json' }),
  imageStream: await generateStream(openai, 'gpt-image-1'),
  openaiEdit: await edit(openai, 'gpt-image-1'),
  azureEdit: await edit(azure('gpt-image-1'), 'gpt-image-1'),
  whisperJson: await transcribe(openai, 'whisper', 'json'),
  whisperText: await transcribe(azure('whisper'), 'whisper', 'text'),
  whisperVerbose: await transcribe(openai, 'whisper', 'verbose_json'),
  transcribe: await transcribe(azure('gpt-4o-transcribe'), 'gpt-4o-transcribe', 'json'),
  transcribeStream: await transcribeStream(openai, 'gpt-4o-transcribe'),
  speech: await speechToFile(openai, 'tts', 'speech-openai.wav'),
  azureSpeech: await speechToFile(azure('tts'), 'tts', 'speech-azure.wav'),
  speechEvents: await speechEvents(openai, 'gpt-4o-mini-tts'),
};
console.log(JSON.stringify(result));
