// Drives the official openai npm client against a Tokengate endpoint and prints one JSON object of results.
// Usage: node sdk-client.mjs <endpoint> <key> <chat deployment> <embeddings deployment>
import OpenAI, { AzureOpenAI } from 'openai';

const [endpoint, apiKey, chatDeployment, embeddingsDeployment] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');
const messages = [{ role: 'user', content: 'Say hello to the gateway.' }];

async function chat(client, model) {
  const r = await client.chat.completions.create({ model, messages, max_tokens: 16 });
  return { content: r.choices[0].message.content, usage: r.usage };
}

async function streamChat(client, model) {
  const stream = await client.chat.completions.create({
    model, messages, max_tokens: 16, stream: true, stream_options: { include_usage: true },
  });
  let content = '';
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    for (const choice of chunk.choices ?? []) content += choice.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { content, usage, chunks };
}

async function embed(client, model) {
  const r = await client.embeddings.create({ model, input: ['alpha', 'beta'] });
  return { count: r.data.length, dimensions: r.data[0].embedding.length, usage: r.usage };
}

const azure = new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2024-10-21', deployment: chatDeployment });
const azureEmbeddings = new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2024-10-21', deployment: embeddingsDeployment });
const openai = new OpenAI({ baseURL: `${base}/openai/v1/`, apiKey });

const result = {
  azureChat: await chat(azure, chatDeployment),
  azureStream: await streamChat(azure, chatDeployment),
  azureEmbeddings: await embed(azureEmbeddings, embeddingsDeployment),
  openaiChat: await chat(openai, chatDeployment),
  openaiStream: await streamChat(openai, chatDeployment),
  openaiEmbeddings: await embed(openai, embeddingsDeployment),
};
process.stdout.write(JSON.stringify(result));
