// Drives the official openai npm client's realtime WebSocket (OpenAIRealtimeWS over the ws package) against a
// Tokengate endpoint and prints one JSON object of results: a text turn and an audio turn through the OpenAI client
// (baseURL <endpoint>/openai/v1) and through the AzureOpenAI client (a deployment).
// Usage: node sdk-realtime.mjs <https endpoint> <key> <deployment> <CA certificate PEM file>
// The SDK opens realtime sessions over wss: only, so the gateway under test serves TLS with a certificate of its own.
import fs from 'node:fs';
import OpenAI, { AzureOpenAI } from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const [endpoint, apiKey, deployment, caPath] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');
const options = { ca: fs.readFileSync(caPath) };
const oneSecondOfAudio = Buffer.alloc(48_000).toString('base64');

const openai = new OpenAI({ baseURL: `${base}/openai/v1`, apiKey, maxRetries: 0 });
const azure = new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2025-04-01-preview', deployment, maxRetries: 0 });

function opened(rt) {
  return new Promise((resolve, reject) => {
    rt.socket.once('open', resolve);
    rt.socket.once('error', reject);
    rt.socket.once('unexpected-response', (_request, response) => reject(new Error(`handshake answered ${response.statusCode}`)));
  });
}

async function turn(rt, audio) {
  const types = [];
  const errors = [];
  let text = '';
  let transcript = '';
  let audioBytes = 0;
  rt.on('error', (e) => errors.push(e.message));
  rt.on('event', (e) => {
    types.push(e.type);
    if (e.type === 'response.output_text.delta') text += e.delta;
    if (e.type === 'response.output_audio_transcript.delta') transcript += e.delta;
    if (e.type === 'response.output_audio.delta') audioBytes += Buffer.from(e.delta, 'base64').length;
  });
  const created = new Promise((resolve) => rt.once('session.created', resolve));
  const done = new Promise((resolve, reject) => {
    rt.once('response.done', resolve);
    rt.socket.once('close', (code, reason) => reject(new Error(`closed before response.done: ${code} ${reason}`)));
  });
  await opened(rt);
  const session = (await created).session;

  if (audio) {
    rt.send({ type: 'input_audio_buffer.append', audio: oneSecondOfAudio });
    rt.send({ type: 'input_audio_buffer.commit' });
    rt.send({ type: 'response.create' });
  } else {
    rt.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello to the gateway.' }] },
    });
    rt.send({ type: 'response.create' });
  }
  const response = (await done).response;
  const closed = new Promise((resolve) => rt.socket.once('close', (code) => resolve(code)));
  rt.close();
  const closeCode = await closed;
  return { model: session.model, types, text, transcript, audioBytes, usage: response.usage, errors, closeCode };
}

const result = {
  openaiText: await turn(new OpenAIRealtimeWS({ model: deployment, options }, openai), false),
  openaiAudio: await turn(new OpenAIRealtimeWS({ model: deployment, options }, openai), true),
  azureText: await turn(await OpenAIRealtimeWS.azure(azure, { options }), false),
  azureAudio: await turn(await OpenAIRealtimeWS.azure(azure, { deploymentName: deployment, options }), true),
};
console.log(JSON.stringify(result));
