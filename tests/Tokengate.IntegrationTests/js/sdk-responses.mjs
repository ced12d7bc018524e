// Drives the official openai npm client (AzureOpenAI on the classic / preview routes, OpenAI on /openai/v1/) against a
// Tokengate endpoint: the Responses API (plain, streamed, a two-turn conversation, retrieve), a forced tool call and a
// json_schema response format on chat completions, and the model list. Prints one JSON object; a step that throws is
// recorded as { error: { name, status, message, body } } so every step runs and the test reports them all.
// Usage: node sdk-responses.mjs <endpoint> <key> <chat deployment> <embeddings deployment>
import OpenAI, { AzureOpenAI } from 'openai';

const [endpoint, apiKey, chatDeployment, embeddingsDeployment] = process.argv.slice(2);
const base = endpoint.replace(/\/$/, '');

// No SDK retries: a failed call must show, not be retried away.
const clients = {
  azure: new AzureOpenAI({ endpoint: base, apiKey, apiVersion: '2025-04-01-preview', deployment: chatDeployment, maxRetries: 0 }),
  openai: new OpenAI({ baseURL: `${base}/openai/v1/`, apiKey, maxRetries: 0 }),
};

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    strict: true,
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer' },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    },
  },
};

const cityFacts = {
  name: 'city_facts',
  strict: true,
  schema: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      population: { type: 'integer' },
      landmarks: { type: 'array', items: { type: 'string' } },
      capital: { type: 'boolean' },
    },
    required: ['city', 'population', 'landmarks', 'capital'],
    additionalProperties: false,
  },
};

async function step(fn) {
  try {
    return await fn();
  } catch (e) {
    return { error: { name: e?.constructor?.name ?? 'Error', status: e?.status ?? null, message: String(e?.message ?? e), body: e?.error ?? null } };
  }
}

// The text of a raw response object (stream events carry the object without the SDK's output_text helper).
function outputText(response) {
  let text = '';
  for (const item of response?.output ?? []) {
    if (item.type !== 'message') continue;
    for (const part of item.content ?? []) if (part.type === 'output_text') text += part.text;
  }
  return text;
}

function describe(r) {
  return { id: r.id, object: r.object, status: r.status, model: r.model, previousResponseId: r.previous_response_id ?? null, text: r.output_text, usage: r.usage };
}

async function responsesPlain(client) {
  return describe(await client.responses.create({ model: chatDeployment, input: 'Say hello to the gateway.' }));
}

async function responsesStream(client) {
  const stream = await client.responses.create({ model: chatDeployment, input: 'Stream a few words.', stream: true });
  const types = [];
  const sequenceNumbers = [];
  const errors = [];
  let deltas = '';
  let last = null;
  for await (const event of stream) {
    types.push(event.type);
    sequenceNumbers.push(event.sequence_number);
    if (event.type === 'error' || event.type === 'response.failed') errors.push(event);
    if (event.type === 'response.output_text.delta') deltas += event.delta;
    last = event;
  }
  return {
    events: types.length,
    types,
    sequenceNumbers,
    errors,
    deltas,
    finalType: last?.type ?? null,
    finalId: last?.response?.id ?? null,
    finalStatus: last?.response?.status ?? null,
    finalText: outputText(last?.response),
    finalUsage: last?.response?.usage ?? null,
  };
}

async function conversation(client) {
  const first = await client.responses.create({ model: chatDeployment, input: 'My name is Ada. Please remember it.' });
  const second = await client.responses.create({ model: chatDeployment, previous_response_id: first.id, input: 'What is my name?' });
  const retrieved = await client.responses.retrieve(first.id);
  return { first: describe(first), second: describe(second), retrieved: describe(retrieved) };
}

async function forcedToolCall(client) {
  const r = await client.chat.completions.create({
    model: chatDeployment,
    messages: [{ role: 'user', content: 'What is the weather in Lisbon for the next three days?' }],
    tools: [weatherTool],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
  });
  const choice = r.choices[0];
  return {
    finishReason: choice.finish_reason,
    toolCalls: (choice.message.tool_calls ?? []).map(c => ({ id: c.id, type: c.type, name: c.function.name, arguments: c.function.arguments, parsed: JSON.parse(c.function.arguments) })),
    usage: r.usage,
  };
}

// The same forced call streamed, put together by the SDK's own stream helper.
async function forcedToolCallStreamed(client) {
  const stream = client.chat.completions.stream({
    model: chatDeployment,
    messages: [{ role: 'user', content: 'What is the weather in Lisbon for the next three days?' }],
    tools: [weatherTool],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    stream_options: { include_usage: true },
  });
  const r = await stream.finalChatCompletion();
  const choice = r.choices[0];
  return {
    finishReason: choice.finish_reason,
    toolCalls: (choice.message.tool_calls ?? []).map(c => ({ id: c.id, type: c.type, name: c.function.name, arguments: c.function.arguments, parsed: JSON.parse(c.function.arguments) })),
    usage: r.usage ?? null,
  };
}

async function jsonSchema(client) {
  const r = await client.chat.completions.create({
    model: chatDeployment,
    messages: [{ role: 'user', content: 'Give me facts about Lisbon.' }],
    response_format: { type: 'json_schema', json_schema: cityFacts },
  });
  const choice = r.choices[0];
  return { finishReason: choice.finish_reason, content: choice.message.content, parsed: JSON.parse(choice.message.content), usage: r.usage };
}

async function models(client) {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  return { ids };
}

const result = { chatDeployment, embeddingsDeployment };
for (const [name, client] of Object.entries(clients)) {
  result[name] = {
    responsesPlain: await step(() => responsesPlain(client)),
    responsesStream: await step(() => responsesStream(client)),
    conversation: await step(() => conversation(client)),
    forcedToolCall: await step(() => forcedToolCall(client)),
    forcedToolCallStreamed: await step(() => forcedToolCallStreamed(client)),
    jsonSchema: await step(() => jsonSchema(client)),
    models: await step(() => models(client)),
  };
}
process.stdout.write(JSON.stringify(result));
