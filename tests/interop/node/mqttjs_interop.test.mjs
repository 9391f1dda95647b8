// Interop checks with MQTT.js (npm package `mqtt`) against a running
// Starling broker whose port is in STARLING_PORT (run_with_broker.sh sets
// it). Run with `node --test`; every test has its own time limit.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, test } from 'node:test';

import mqtt from 'mqtt';

const port = Number(process.env.STARLING_PORT);
if (!port) throw new Error('STARLING_PORT is not set: run through run_with_broker.sh');
const WAIT_MS = 5000;
const LIMIT = { timeout: 15000 };

// Messages a client received, taken in order with a deadline.
class Inbox {
  constructor(client) {
    this.queue = [];
    this.waiters = [];
    client.on('message', (topic, payload, packet) => {
      const message = { topic, payload, packet };
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
  }

  next(what) {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`${what}: no message within ${WAIT_MS} ms`));
      }, WAIT_MS);
      const done = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push(done);
    });
  }

  async nothingMore(ms = 300) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    assert.equal(this.queue.length, 0, `unexpected message on ${this.queue[0]?.topic}`);
  }
}

// Every client a test opened is force-closed after it, passed or failed, so
// a failure cannot leave a socket that keeps node from exiting.
const openClients = new Set();
afterEach(() => {
  for (const client of openClients) client.end(true);
  openClients.clear();
});

function track(client) {
  openClients.add(client);
  return client;
}

async function connect(version, options = {}) {
  const client = track(await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: version,
    clientId: `mqttjs-${randomUUID().slice(0, 8)}`,
    reconnectPeriod: 0,
    connectTimeout: WAIT_MS,
    ...options,
  }));
  return { client, inbox: new Inbox(client) };
}

function topic(name) {
  return `interop/mqttjs/${name}/${randomUUID().slice(0, 6)}`;
}

async function subscribe(client, filter, qos) {
  const granted = await client.subscribeAsync(filter, { qos });
  assert.equal(granted[0].qos, qos, `SUBACK for ${filter} granted ${granted[0].qos}`);
}

for (const [name, version] of [['v3.1.1', 4], ['v5', 5]]) {
  for (const qos of [0, 1, 2]) {
    test(`${name}: QoS ${qos} round trip keeps a binary payload intact`, LIMIT, async () => {
      const t = topic(`qos${qos}`);
      const payload = Buffer.concat([randomBytes(3000), Buffer.from([0, 255, 0])]);
      const sub = await connect(version);
      await subscribe(sub.client, t, qos);
      const pub = await connect(version);
      await pub.client.publishAsync(t, payload, { qos });
      const m = await sub.inbox.next('round trip');
      assert.equal(m.topic, t);
      assert.equal(m.packet.qos, qos);
      assert.ok(m.payload.equals(payload), `payload changed (${m.payload.length} bytes back)`);
      await sub.inbox.nothingMore();
      await pub.client.endAsync();
      await sub.client.endAsync();
    });
  }

  test(`${name}: a retained message reaches a later subscriber and an empty one clears it`, LIMIT, async () => {
    const t = topic('retained');
    const pub = await connect(version);
    await pub.client.publishAsync(t, 'kept', { qos: 1, retain: true });
    const later = await connect(version);
    await subscribe(later.client, t, 1);
    const m = await later.inbox.next('retained message');
    assert.equal(m.payload.toString(), 'kept');
    assert.equal(m.packet.retain, true);
    await later.client.endAsync();

    await pub.client.publishAsync(t, '', { qos: 1, retain: true });
    const cleared = await connect(version);
    await subscribe(cleared.client, t, 1);
    await pub.client.publishAsync(t, 'live', { qos: 1 });
    const first = await cleared.inbox.next('live message after clearing');
    assert.equal(first.payload.toString(), 'live', 'the cleared retained message was delivered');
    assert.equal(first.packet.retain, false);
    await pub.client.endAsync();
    await cleared.client.endAsync();
  });

  test(`${name}: the will is published when the socket drops, not after DISCONNECT`, LIMIT, async () => {
    const t = topic('will');
    const watcher = await connect(version);
    await subscribe(watcher.client, t, 1);
    const victim = await connect(version, { will: { topic: t, payload: Buffer.from('gone'), qos: 1, retain: false } });
    victim.client.stream.destroy(); // no DISCONNECT: the broker sees the TCP connection end
    const m = await watcher.inbox.next('will');
    assert.equal(m.payload.toString(), 'gone');
    assert.equal(m.packet.qos, 1);
    victim.client.end(true);

    const polite = await connect(version, { will: { topic: t, payload: Buffer.from('not sent'), qos: 1, retain: false } });
    await polite.client.endAsync();
    await watcher.inbox.nothingMore(500);
    await watcher.client.endAsync();
  });
}

test('v5: user properties, response topic, correlation data, expiry and content type arrive', LIMIT, async () => {
  const t = topic('props');
  const sub = await connect(5);
  await subscribe(sub.client, t, 1);
  const pub = await connect(5);
  await pub.client.publishAsync(t, 'with properties', {
    qos: 1,
    properties: {
      userProperties: { colour: ['blue', 'green'], 'key two': 'value two' },
      responseTopic: 'interop/mqttjs/reply',
      correlationData: Buffer.from([0, 1, 2, 255]),
      messageExpiryInterval: 120,
      contentType: 'text/plain',
      payloadFormatIndicator: true,
    },
  });
  const m = await sub.inbox.next('message with properties');
  const p = m.packet.properties ?? {};
  assert.deepEqual({ ...p.userProperties }, { colour: ['blue', 'green'], 'key two': 'value two' });
  assert.equal(p.responseTopic, 'interop/mqttjs/reply');
  assert.ok(Buffer.from([0, 1, 2, 255]).equals(p.correlationData), `correlation data ${p.correlationData?.toString('hex')}`);
  assert.ok(p.messageExpiryInterval <= 120 && p.messageExpiryInterval >= 115, `expiry ${p.messageExpiryInterval}`);
  assert.equal(p.contentType, 'text/plain');
  assert.equal(p.payloadFormatIndicator, true);
  await pub.client.endAsync();
  await sub.client.endAsync();
});

test('v5: request/response through the response topic with correlation data', LIMIT, async () => {
  const requestTopic = topic('request');
  const responder = await connect(5);
  await subscribe(responder.client, requestTopic, 1);
  responder.client.on('message', (_t, payload, packet) => {
    const { responseTopic, correlationData } = packet.properties ?? {};
    responder.client.publish(responseTopic, `pong: ${payload}`, { qos: 1, properties: { correlationData } });
  });
  const requester = await connect(5);
  const responseTopic = topic('response');
  await subscribe(requester.client, responseTopic, 1);
  await requester.client.publishAsync(requestTopic, 'ping?', {
    qos: 1,
    properties: { responseTopic, correlationData: Buffer.from('request-9') },
  });
  const m = await requester.inbox.next('response');
  assert.equal(m.payload.toString(), 'pong: ping?');
  assert.equal(m.packet.properties?.correlationData?.toString(), 'request-9');
  await responder.client.endAsync();
  await requester.client.endAsync();
});

test('v5: topic aliases both ways keep every message on its topic', LIMIT, async () => {
  const t = topic('alias');
  const sub = await connect(5, { properties: { topicAliasMaximum: 8 } });
  await subscribe(sub.client, t, 1);
  const pub = await connect(5, { autoUseTopicAlias: true });
  for (let i = 0; i < 5; i++) await pub.client.publishAsync(t, `m${i}`, { qos: 1 });
  for (let i = 0; i < 5; i++) {
    const m = await sub.inbox.next(`aliased message ${i}`);
    assert.equal(m.topic, t);
    assert.equal(m.payload.toString(), `m${i}`);
  }
  await pub.client.endAsync();
  await sub.client.endAsync();
});

test('v5: a persistent session gets what was published while it was offline', LIMIT, async () => {
  const t = topic('persistent');
  const clientId = `mqttjs-persist-${randomUUID().slice(0, 6)}`;
  const options = { clientId, clean: false, properties: { sessionExpiryInterval: 60 } };
  const first = await connect(5, options);
  await subscribe(first.client, t, 1);
  await first.client.endAsync();
  const pub = await connect(5);
  await pub.client.publishAsync(t, 'while away', { qos: 1 });
  // Subscribe to the message event before CONNACK: the queued message may
  // follow it in the same read.
  const back = track(mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0, ...options }));
  const inbox = new Inbox(back);
  const connack = await new Promise((resolve, reject) => {
    back.once('connect', resolve);
    back.once('error', reject);
  });
  assert.equal(connack.sessionPresent, true);
  const m = await inbox.next('queued message');
  assert.equal(m.payload.toString(), 'while away');
  await back.endAsync();
  await pub.client.endAsync();
});

test('v5: a shared subscription splits messages between its members, each once', LIMIT, async () => {
  const t = topic('shared');
  const members = [await connect(5), await connect(5)];
  for (const member of members) await subscribe(member.client, `$share/mqttjs/${t}`, 1);
  const pub = await connect(5);
  const count = 20;
  for (let i = 0; i < count; i++) await pub.client.publishAsync(t, `${i}`, { qos: 1 });
  const deadline = Date.now() + WAIT_MS;
  const total = () => members.reduce((n, m) => n + m.inbox.queue.length, 0);
  while (total() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const received = members.flatMap((m) => m.inbox.queue.map((x) => Number(x.payload.toString())));
  assert.deepEqual(received.sort((a, b) => a - b), [...Array(count).keys()]);
  for (const member of members) assert.ok(member.inbox.queue.length > 0, 'a member received nothing');
  for (const member of members) await member.client.endAsync();
  await pub.client.endAsync();
});
