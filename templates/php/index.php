<?php
// A WellnessLiving webhook receiver in plain PHP, for `php -S` (./start) and any PHP host: verify,
// acknowledge at once, leave the work to worker.php. Every rule below is one that
// `wl-hook check` tests; ./test runs it against this file.
declare(strict_types=1);

require __DIR__ . '/store.php';

if (parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) !== '/webhooks') {
    answer(404, "not found\n");
}
if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
    header('Allow: POST');
    answer(405, "POST only\n");
}

// The webhook key WL issued with the subscription. Never accept everything without it.
$secret = getenv('WL_HOOK_SECRET');
if ($secret === false || $secret === '') {
    error_log('set WL_HOOK_SECRET to your WellnessLiving webhook key');
    answer(500, "receiver not configured\n");
}

// The raw bytes, exactly as sent: the signature covers them, not json_encode of a parsed copy,
// which orders, spaces and escapes differently. PHP drops a body over post_max_size (8M by
// default; ./start raises it): say so instead of failing the signature.
$body = (string) file_get_contents('php://input');
if ($body === '' && (int) ($_SERVER['CONTENT_LENGTH'] ?? 0) > 0) {
    answer(413, "body over post_max_size\n");
}
$signed = $body; // the raw bytes, exactly as received
if (!signature_ok($signed, $_SERVER['HTTP_X_SIGNATURE_256'] ?? null, $secret)) {
    error_log('refused: missing or invalid x-signature-256');
    answer(401, "invalid signature\n");
}

// WL retries until it gets a 200, so the same delivery can come twice: acknowledge it again, do
// not process it again. Only hex is used in a file name.
$key = strtolower($_SERVER['HTTP_X_PAYLOAD_KEY'] ?? '');
if (!preg_match('/^[0-9a-f]{16,128}$/', $key)) {
    $key = hash('sha256', $body);
}
if (!claim_payload_key($key)) {
    error_log('duplicate ' . substr($key, 0, 8) . ' acknowledged');
    answer(200, "duplicate\n");
}

$topic = $_SERVER['HTTP_X_TOPIC'] ?? '';
if (!in_array($topic, KNOWN_TOPICS, true)) {
    // WL may add events; a refusal would be retried for three days.
    error_log('unknown topic ' . json_encode($topic) . ' acknowledged and ignored');
    answer(200, "ignored\n");
}

$event = json_decode($body, true);
if (!is_array($event) || array_is_list($event)) {
    release_payload_key($key);
    answer(400, "body is not a JSON object\n");
}

// Retries and parallel deliveries arrive out of order: an event older than one already taken for
// the same record is stale. Acknowledge it (a refusal would be retried) but skip it. Never refuse
// an event for its age alone: WL retries for up to 72 hours.
$record = record_of($topic, $event);
$generatedAt = parse_time($_SERVER['HTTP_X_GENERATED_AT'] ?? '');
if ($record !== null && $generatedAt !== null && !take_if_newest($record, $generatedAt)) {
    error_log("stale $topic for $record ignored");
    answer(200, "stale\n");
}

// Answer now, work later: WL waits only so long for the answer, then retries.
enqueue($topic, $body);
answer(200, "ok\n");
