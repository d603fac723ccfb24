// A WellnessLiving webhook receiver: verify, acknowledge at once, do the work in the background.
// Every rule below is one that `wl-hook check` tests; ./test runs it against this server.
'use strict';

const crypto = require('node:crypto');
const express = require('express');

// The webhook key WL issued with the subscription. Refuse to start without it rather than accept
// everything.
const SECRET = process.env.WL_HOOK_SECRET;
if (!SECRET) {
  console.error('set WL_HOOK_SECRET to your WellnessLiving webhook key');
  process.exit(2);
}

// The field that names the record in each resource's body: events about one record are ordered
// by x-generated-at. A purchase refund names its order by order_id.
const RECORD_ID = {
  business: ['k_business'],
  location: ['k_location'],
  staff: ['k_staff'],
  class: ['k_class'],
  appointment: ['k_service'],
  client: ['uid'],
  purchase: ['text_purchase_id', 'order_id'],
};
const KNOWN_TOPICS = new Set([
  'business.updated', 'location.created', 'location.updated', 'staff.created', 'staff.updated',
  'class.created', 'class.updated', 'appointment.created', 'appointment.updated',
  'client.created', 'client.updated', 'purchase.created', 'purchase.refunded',
]);

// In memory to keep the starter small. In production keep both in your database (a unique index
// on the payload key, a column with the last x-generated-at per record), so that they survive a
// restart and are shared by every process; payload keys can be forgotten after 3 days, when WL
// stops retrying.
const seenPayloadKeys = new Set();
const latestGeneratedAt = new Map();

/** x-signature-256 is the hex HMAC-SHA256 of the body with the webhook key. */
function signatureOk(signed, header) {
  if (!header) return false;
  let value = header.trim();
  if (value.slice(0, 7).toLowerCase() === 'sha256=') value = value.slice(7);
  // Buffer.from(hex) silently drops what is not hex, so check the form first.
  if (!/^[0-9a-fA-F]{64}$/.test(value)) return false;
  const expected = crypto.createHmac('sha256', SECRET).update(signed).digest();
  // timingSafeEqual takes as long wherever the first difference is: `===` would let an attacker
  // find a valid signature byte by byte from the response time.
  return crypto.timingSafeEqual(expected, Buffer.from(value, 'hex'));
}

function recordOf(topic, event) {
  const resource = topic.split('.')[0];
  for (const field of RECORD_ID[resource] || []) {
    if (event[field] !== undefined && event[field] !== null) return `${resource}:${event[field]}`;
  }
  return null;
}

/** Your work goes here: update your CRM, database or dashboard. */
async function handle(topic, event) {
  console.log(`processed ${topic} for ${recordOf(topic, event)}`);
}

// A queue drained after the answer has gone: WL waits only so long for it, then retries. Use a
// durable queue (a jobs table, Redis, SQS) when losing work on a restart matters.
const queue = [];
let draining = false;
function enqueue(topic, event) {
  queue.push([topic, event]);
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
}
async function drain() {
  while (queue.length > 0) {
    const [topic, event] = queue.shift();
    try {
      await handle(topic, event);
    } catch (err) {
      // One bad event must not stop the queue.
      console.error(`processing ${topic} failed:`, err);
    }
  }
  draining = false;
}

const app = express();

// express.raw keeps the body as the exact bytes sent: the signature covers them, not
// JSON.stringify of a parsed copy, which orders, spaces and escapes differently. The limit is
// raised from 100 KB: a purchase with many line items is several hundred KB.
app.post('/webhooks', express.raw({ type: () => true, limit: '16mb' }), (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const signed = body; // the raw bytes, exactly as received
  if (!signatureOk(signed, req.get('x-signature-256'))) {
    console.warn('refused: missing or invalid x-signature-256');
    return res.status(401).send('invalid signature\n');
  }

  // WL retries until it gets a 200, so the same delivery can come twice: acknowledge it again,
  // do not process it again.
  const key = req.get('x-payload-key') || crypto.createHash('sha256').update(body).digest('hex');
  if (seenPayloadKeys.has(key)) {
    console.log(`duplicate ${key.slice(0, 8)} acknowledged`);
    return res.status(200).send('duplicate\n');
  }

  const topic = req.get('x-topic') || '';
  if (!KNOWN_TOPICS.has(topic)) {
    // WL may add events; a refusal would be retried for three days.
    seenPayloadKeys.add(key);
    console.warn(`unknown topic ${JSON.stringify(topic)} acknowledged and ignored`);
    return res.status(200).send('ignored\n');
  }

  let event;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return res.status(400).send('body is not JSON\n');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return res.status(400).send('body is not a JSON object\n');
  }

  // Retries and parallel deliveries arrive out of order: an event older than one already taken
  // for the same record is stale. Acknowledge it (a refusal would be retried) but skip it. Never
  // refuse an event for its age alone: WL retries for up to 72 hours.
  seenPayloadKeys.add(key);
  const record = recordOf(topic, event);
  const generatedAt = Date.parse(req.get('x-generated-at') || '');
  if (record && !Number.isNaN(generatedAt)) {
    const last = latestGeneratedAt.get(record);
    if (last !== undefined && generatedAt < last) {
      console.log(`stale ${topic} for ${record} ignored`);
      return res.status(200).send('stale\n');
    }
    latestGeneratedAt.set(record, generatedAt);
  }

  enqueue(topic, event);
  return res.status(200).send('ok\n');
});

// HOST=0.0.0.0 to take deliveries from other machines (or put it behind your reverse proxy).
const host = process.env.HOST || '127.0.0.1';
const server = app.listen(Number(process.env.PORT || 3000), host, () => {
  const { port } = server.address();
  console.log(`listening on http://${host}:${port}/webhooks`);
});
