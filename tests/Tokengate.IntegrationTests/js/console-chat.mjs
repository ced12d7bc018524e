// One chat completion with the official openai npm client (AzureOpenAI, no retries), for the console tests.
// Usage: node console-chat.mjs <endpoint> <key> <deployment>. Prints {status, usage} or {status, code, message}.
import { AzureOpenAI } from 'openai';

const [endpoint, apiKey, deployment] = process.argv.slice(2);
const client = new AzureOpenAI({ endpoint: endpoint.replace(/\/$/, ''), apiKey, apiVersion: '2024-10-21', deployment, maxRetries: 0 });
try {
  const r = await client.chat.completions.create({ model: deployment, messages: [{ role: 'user', content: 'Hello from the console test.' }], max_tokens: 16 });
  process.stdout.write(JSON.stringify({ status: 200, content: r.choices[0].message.content, usage: r.usage }));
} catch (e) {
  process.stdout.write(JSON.stringify({ status: e.status ?? 0, code: e.code ?? null, message: e.message }));
}
