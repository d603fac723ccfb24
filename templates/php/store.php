<?php
// What index.php and worker.php share: the signature check, and the files under var/ that stand
// in for a database (a PHP request keeps nothing in memory from one request to the next).
declare(strict_types=1);

// The field that names the record in each resource's body: events about one record are ordered by
// x-generated-at. A purchase refund names its order by order_id.
const RECORD_ID = [
    'business' => ['k_business'],
    'location' => ['k_location'],
    'staff' => ['k_staff'],
    'class' => ['k_class'],
    'appointment' => ['k_service'],
    'client' => ['uid'],
    'purchase' => ['text_purchase_id', 'order_id'],
];
const KNOWN_TOPICS = [
    'business.updated', 'location.created', 'location.updated', 'staff.created', 'staff.updated',
    'class.created', 'class.updated', 'appointment.created', 'appointment.updated',
    'client.created', 'client.updated', 'purchase.created', 'purchase.refunded',
];

function answer(int $status, string $text): never
{
    http_response_code($status);
    header('Content-Type: text/plain');
    echo $text;
    exit;
}

/** x-signature-256 is the hex HMAC-SHA256 of the body with the webhook key. */
function signature_ok(string $signed, ?string $header, string $secret): bool
{
    if ($header === null) {
        return false;
    }
    $value = strtolower(trim($header));
    if (str_starts_with($value, 'sha256=')) {
        $value = substr($value, 7);
    }
    $expected = hash_hmac('sha256', $signed, $secret);
    // hash_equals takes as long wherever the first difference is: `==` would let an attacker find
    // a valid signature byte by byte from the response time.
    return hash_equals($expected, $value);
}

function parse_time(string $value): ?float
{
    if (trim($value) === '') {
        return null;
    }
    try {
        $at = new DateTimeImmutable(trim($value), new DateTimeZone('UTC'));
    } catch (Exception) {
        return null;
    }
    return (float) $at->format('U.u');
}

function record_of(string $topic, array $event): ?string
{
    $resource = explode('.', $topic)[0];
    foreach (RECORD_ID[$resource] ?? [] as $field) {
        if (isset($event[$field]) && is_scalar($event[$field])) {
            return $resource . ':' . $event[$field];
        }
    }
    return null;
}

/** A folder under var/ (WL_HOOK_DATA to put it elsewhere), created on first use. */
function data_dir(string $name): string
{
    $root = getenv('WL_HOOK_DATA') ?: __DIR__ . '/var';
    $dir = "$root/$name";
    if (!is_dir($dir) && !@mkdir($dir, 0700, true) && !is_dir($dir)) {
        throw new RuntimeException("cannot create $dir");
    }
    return $dir;
}

/**
 * True for the first delivery with this payload key. Creating the marker with mode 'x' is atomic,
 * so two copies arriving at once cannot both be taken. In production: a unique index in your
 * database; keys can be forgotten after 3 days, when WL stops retrying.
 */
function claim_payload_key(string $key): bool
{
    $marker = @fopen(data_dir('seen') . "/$key", 'x');
    if ($marker === false) {
        return false;
    }
    fclose($marker);
    return true;
}

function release_payload_key(string $key): void
{
    @unlink(data_dir('seen') . "/$key");
}

/** Record `$generatedAt` for `$record` unless a newer event for it was already taken. */
function take_if_newest(string $record, float $generatedAt): bool
{
    $file = fopen(data_dir('records') . '/' . hash('sha256', $record), 'c+');
    if ($file === false) {
        throw new RuntimeException("cannot open the state of $record");
    }
    // The lock makes read-compare-write one step for concurrent requests about the same record.
    flock($file, LOCK_EX);
    $last = stream_get_contents($file);
    $newest = $last === '' || $last === false || $generatedAt >= (float) $last;
    if ($newest) {
        ftruncate($file, 0);
        rewind($file);
        fwrite($file, sprintf('%.6F', $generatedAt));
    }
    flock($file, LOCK_UN);
    fclose($file);
    return $newest;
}

/** Queue an event for worker.php: written to a temporary name, then renamed, so it never sees half a file. */
function enqueue(string $topic, string $body): void
{
    $dir = data_dir('queue');
    $name = sprintf('%.6F-%s', microtime(true), bin2hex(random_bytes(4)));
    $job = json_encode(['topic' => $topic, 'body' => $body], JSON_THROW_ON_ERROR);
    file_put_contents("$dir/.$name.tmp", $job);
    rename("$dir/.$name.tmp", "$dir/$name.json");
}
