# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wl_hook_global_optspecs
    string join \n color= profile= h/help V/version
end

function __fish_wl_hook_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wl_hook_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wl_hook_using_subcommand
    set -l cmd (__fish_wl_hook_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wl-hook -n "__fish_wl_hook_needs_command" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_needs_command" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -s V -l version -d 'Print version'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "send" -d 'Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "listen" -d 'Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "check" -d 'Run a conformance suite against your webhook endpoint, with a JUnit report for CI'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "replay" -d 'Re-deliver captured requests the way WL\'s retry engine would, on a simulated clock'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "verify" -d 'Check captured requests and explain every failure'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "sign" -d 'Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "demo" -d 'The whole flow on this machine in seconds: listen, send, verify, replay, check'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "fixtures" -d 'List, show, export and import fixtures (a real capture becomes one, personal data replaced)'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "man" -d 'Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "init" -d 'Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "config" -d 'Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)'
complete -c wl-hook -n "__fish_wl_hook_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -s t -l topic -d 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, \'client.*\'' -r -f -a "business.updated\t'Business'
location.created\t'Location'
location.updated\t'Location'
staff.created\t'Staff Profile'
staff.updated\t'Staff Profile'
class.created\t'Schedule'
class.updated\t'Schedule'
appointment.created\t'Service'
appointment.updated\t'Service'
client.created\t'Client Profile'
client.updated\t'Client Profile'
purchase.created\t'Purchases'
purchase.refunded\t'Purchases'
business\t'the Business family\'s first event'
location\t'the Location family\'s first event'
staff\t'the Staff Profile family\'s first event'
staff-profile\t'the Staff Profile family\'s first event'
class\t'the Schedule family\'s first event'
schedule\t'the Schedule family\'s first event'
appointment\t'the Service family\'s first event'
service\t'the Service family\'s first event'
client\t'the Client Profile family\'s first event'
client-profile\t'the Client Profile family\'s first event'
purchase\t'the Purchases family\'s first event'
purchases\t'the Purchases family\'s first event'
all\t'all 13 events'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l fixture -d 'Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l data -d 'Send this file\'s bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l generated-at -d 'Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l json-style -d 'How fixture bodies are spelt (modelled: WL\'s own spelling is unknown); --data is sent as is' -r -f -a "compact\t'Compact, raw UTF-8, / as is (what JSON.stringify writes)'
php\t'PHP json_encode defaults: compact, / as \\/, non-ASCII as \\uXXXX'
pretty\t'Indented by 4, raw UTF-8, with a trailing newline'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l fixtures -d 'A folder of <event>.json files that add or replace bundled fixtures' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l seed -d 'Seed for generated ids, for byte-for-byte reproducible output' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l now -d 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l set -d 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l set-json -d 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l add -d 'Create a field on purpose: --add a_price.m_fee=\'"2.00"\' (repeatable; it must not exist)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l replace -d 'Replace an existing value whole, even an object or array: --replace purchase_items=\'[]\'' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l secret -d 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l secret-file -d 'Read the webhook key from a file (one trailing newline is trimmed)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l signature-encoding -d 'How x-signature-256 spells the HMAC (modelled: WL does not document it)' -r -f -a "hex\t'64 lower-case hex digits (modelled default)'
base64\t'Standard base64 with padding'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l signature-prefix -d 'Text before the encoded HMAC, e.g. \'sha256=\' (modelled: none)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l payload-key -d 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)' -r -f -a "sha256\t'Lower-case hex SHA-256 of the exact body bytes (modelled default)'
none\t'No rule: none is sent, and whatever arrives is not checked'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l timestamp-format -d 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)' -r -f -a "rfc3339\t'RFC 3339 UTC, written with milliseconds (modelled default)'
unix\t'Unix seconds'
unix-ms\t'Unix milliseconds'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l url -d 'Where to deliver' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -s H -l header -d 'Add or replace a header: --header \'X-Trace: 1\' (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l cacert -d 'Trust the certificates in this PEM file for https, e.g. a local self-signed one' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l timeout -d 'Give up on a delivery after this long: 10s, 500ms, 1m' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l count -d 'Deliveries per topic, each a distinct event' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l concurrency -d 'Deliveries in flight at once (one connection pool, keep-alive)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l rate -d 'At most this many deliveries started per second' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l sign-with -d 'Sign with this key instead (a forged delivery the receiver must reject)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l repeat-exact -d 'Send the same bytes and headers N more times, as a retry or duplicate would be' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l raw -d 'Accept a --data body that is not JSON'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l exact -d 'Keep the fixture\'s meta_data.id and meta_data.date instead of making a new event'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l insecure -d 'Do not check the https endpoint\'s certificate (TLS only: signatures are judged as always)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l no-signature -d 'Leave out x-signature-256 (the receiver must reject it)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l tamper -d 'Change one byte of the body after signing (the receiver must reject it)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -s v -l verbose -d 'Show request and response headers and the response body'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l host -d 'Address to bind (loopback unless you say otherwise)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l port -d 'Port to bind; 0 picks a free one (read it from the first line or --ready-file)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l secret -d 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l secret-file -d 'Read a key from a file (repeatable; one trailing newline is trimmed)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l signature-encoding -d 'How x-signature-256 spells the HMAC (modelled: WL does not document it)' -r -f -a "hex\t'64 lower-case hex digits (modelled default)'
base64\t'Standard base64 with padding'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l signature-prefix -d 'Text before the encoded HMAC, e.g. \'sha256=\' (modelled: none)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l payload-key -d 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)' -r -f -a "sha256\t'Lower-case hex SHA-256 of the exact body bytes (modelled default)'
none\t'No rule: none is sent, and whatever arrives is not checked'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l timestamp-format -d 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)' -r -f -a "rfc3339\t'RFC 3339 UTC, written with milliseconds (modelled default)'
unix\t'Unix seconds'
unix-ms\t'Unix milliseconds'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l status -d 'The answer to a valid delivery' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l max-body -d 'Largest body accepted; larger gets 413: 1MiB, 512KiB, 2000000' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l body -d 'What to show of each body' -r -f -a "full\t'The whole body, pretty-printed when it is JSON'
summary\t'One line: the record id and a few top-level fields'
none\t'No body'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l fail-first -d 'Fail the first N attempts of each payload key, then answer normally' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l fail-rate -d 'Fail this fraction of deliveries (0 to 1), seeded by --seed' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l fail-status -d 'How a failed attempt is answered: 429, 500, 503, ... (without --fail-first or --fail-rate, every delivery fails)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l retry-after -d 'Add \'Retry-After: SECONDS\' to the failure answer' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l events -d 'Show and forward only these events (repeatable, comma-separated, aliases allowed); others are answered --status and counted' -r -f -a "business.updated\t'Business'
location.created\t'Location'
location.updated\t'Location'
staff.created\t'Staff Profile'
staff.updated\t'Staff Profile'
class.created\t'Schedule'
class.updated\t'Schedule'
appointment.created\t'Service'
appointment.updated\t'Service'
client.created\t'Client Profile'
client.updated\t'Client Profile'
purchase.created\t'Purchases'
purchase.refunded\t'Purchases'
business\t'the Business family\'s first event'
location\t'the Location family\'s first event'
staff\t'the Staff Profile family\'s first event'
staff-profile\t'the Staff Profile family\'s first event'
class\t'the Schedule family\'s first event'
schedule\t'the Schedule family\'s first event'
appointment\t'the Service family\'s first event'
service\t'the Service family\'s first event'
client\t'the Client Profile family\'s first event'
client-profile\t'the Client Profile family\'s first event'
purchase\t'the Purchases family\'s first event'
purchases\t'the Purchases family\'s first event'
all\t'all 13 events'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l seed -d 'Seed for --fail-rate, for reproducible runs' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l delay -d 'Wait this long before every answer: 2s, 250ms' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l save -d 'Write every request as a capture document into DIR (created when missing)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l forward-to -d 'Relay each valid delivery unchanged to your app and answer with its status; TOPICS=URL routes some events to another app (repeatable: the first match wins, a bare URL takes the rest)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -s H -l header -d 'Add a header to every forwarded request, for an app behind auth: -H \'Authorization: Bearer TOKEN\' (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l cacert -d 'Trust the certificates in this PEM file for https, e.g. a local self-signed one' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l count -d 'Stop after N deliveries (POST requests)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l timeout -d 'Stop after this long; exit 1 if --count or --expect-topic was not met by then' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l expect-topic -d 'An event that must arrive as a valid delivery (repeatable, aliases allowed)' -r -f -a "business.updated\t'Business'
location.created\t'Location'
location.updated\t'Location'
staff.created\t'Staff Profile'
staff.updated\t'Staff Profile'
class.created\t'Schedule'
class.updated\t'Schedule'
appointment.created\t'Service'
appointment.updated\t'Service'
client.created\t'Client Profile'
client.updated\t'Client Profile'
purchase.created\t'Purchases'
purchase.refunded\t'Purchases'
business\t'the Business family\'s first event'
location\t'the Location family\'s first event'
staff\t'the Staff Profile family\'s first event'
staff-profile\t'the Staff Profile family\'s first event'
class\t'the Schedule family\'s first event'
schedule\t'the Schedule family\'s first event'
appointment\t'the Service family\'s first event'
service\t'the Service family\'s first event'
client\t'the Client Profile family\'s first event'
client-profile\t'the Client Profile family\'s first event'
purchase\t'the Purchases family\'s first event'
purchases\t'the Purchases family\'s first event'
all\t'all 13 events'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l ready-file -d 'Write the URL here (atomically) once connections are accepted' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l ui-port -d 'Port of the browser inspector on 127.0.0.1 (default 9001, another free one when busy; 0 picks a free one)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l max-connections -d 'Connections open at once; when all are taken, the one idle the longest is closed' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l idle-timeout -d 'Close a kept-alive connection that carries no request for this long' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l read-timeout -d 'Time a client has to send its headers, and its body' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l no-verify -d 'Do not check signatures: every delivery with a JSON body is answered --status'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l strict -d 'Refuse (400) a delivery with a warning too (a wrong x-payload-key or content type...), as verify --strict fails it'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l hang -d 'Fail by never answering (the connection is held until the sender gives up or listen stops)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l reset -d 'Fail by closing the connection without an answer'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l insecure -d 'Do not check the https endpoint\'s certificate (TLS only: signatures are judged as always)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l exit-with-parent -d 'Stop when the process that started listen exits (a CI script that dies leaves no listener)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -l no-ui -d 'Do not serve the browser inspector'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l secret -d 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l secret-file -d 'Read a key from a file (repeatable; one trailing newline is trimmed)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l signature-encoding -d 'How x-signature-256 spells the HMAC (modelled: WL does not document it)' -r -f -a "hex\t'64 lower-case hex digits (modelled default)'
base64\t'Standard base64 with padding'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l signature-prefix -d 'Text before the encoded HMAC, e.g. \'sha256=\' (modelled: none)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l payload-key -d 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)' -r -f -a "sha256\t'Lower-case hex SHA-256 of the exact body bytes (modelled default)'
none\t'No rule: none is sent, and whatever arrives is not checked'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l timestamp-format -d 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)' -r -f -a "rfc3339\t'RFC 3339 UTC, written with milliseconds (modelled default)'
unix\t'Unix seconds'
unix-ms\t'Unix milliseconds'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -s t -l topic -d 'Events for the accepts scenario (repeatable or comma-separated; default all 13); the first is used by the others' -r -f -a "business.updated\t'Business'
location.created\t'Location'
location.updated\t'Location'
staff.created\t'Staff Profile'
staff.updated\t'Staff Profile'
class.created\t'Schedule'
class.updated\t'Schedule'
appointment.created\t'Service'
appointment.updated\t'Service'
client.created\t'Client Profile'
client.updated\t'Client Profile'
purchase.created\t'Purchases'
purchase.refunded\t'Purchases'
business\t'the Business family\'s first event'
location\t'the Location family\'s first event'
staff\t'the Staff Profile family\'s first event'
staff-profile\t'the Staff Profile family\'s first event'
class\t'the Schedule family\'s first event'
schedule\t'the Schedule family\'s first event'
appointment\t'the Service family\'s first event'
service\t'the Service family\'s first event'
client\t'the Client Profile family\'s first event'
client-profile\t'the Client Profile family\'s first event'
purchase\t'the Purchases family\'s first event'
purchases\t'the Purchases family\'s first event'
all\t'all 13 events'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l timeout -d 'An answer slower than this fails: 10s, 500ms' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l wait -d 'First wait up to this long for the endpoint to accept connections (an app starting in the background)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l burst -d 'Concurrent deliveries in the burst scenario' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l only -d 'Run only these scenarios (repeatable; listed below)' -r -f -a "accepts\t'each selected event, correctly signed, gets 200 or 201'
accepts-non-canonical\t'spellings no re-serialiser keeps (\\/, \\uXXXX, pretty, 1e2) get 200 or 201'
rejects-forged\t'forged signatures (another key, the dev key, malformed) get a 4xx'
rejects-tampered\t'a body changed after signing gets a 4xx'
rejects-unsigned\t'a webhook without x-signature-256 gets a 4xx'
idempotent-duplicate\t'the same delivery twice: both get 200 or 201'
out-of-order\t'a newer event, then an older one: both get 200 or 201'
late-retry\t'an event generated two days ago, sent now, gets 200 or 201'
responds-in-time\t'every answer of the run but burst\'s comes within --timeout'
burst\t'--burst deliveries at once all get 200 or 201 (a 429 fails)'
large-payload\t'a purchase.created with 400 line items (about 280 KB) gets 200 or 201'
unknown-topic\t'a well-signed event WL may add later gets 200 or 201 (else a WARN)'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l junit -d 'Write a JUnit XML report here' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l fixtures -d 'A folder of <event>.json files that add or replace bundled fixtures' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l json-style -d 'How fixture bodies are spelt (modelled: WL\'s own spelling is unknown)' -r -f -a "compact\t'Compact, raw UTF-8, / as is (what JSON.stringify writes)'
php\t'PHP json_encode defaults: compact, / as \\/, non-ASCII as \\uXXXX'
pretty\t'Indented by 4, raw UTF-8, with a trailing newline'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l connections -d 'How deliveries use connections (modelled: WL\'s sender likely opens one per delivery)' -r -f -a "per-delivery\t'A new connection per delivery, closed after the answer (modelled on a PHP sender)'
keep-alive\t'A keep-alive pool that reuses connections'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -s H -l header -d 'Add a header to every request, for an endpoint behind auth: -H \'Authorization: Bearer TOKEN\' (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l cacert -d 'Trust the certificates in this PEM file for https, e.g. a local self-signed one' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l strict -d 'Fail a scenario that only warns (an unknown topic refused, answers near --timeout), as verify --strict does'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -l insecure -d 'Do not check the https endpoint\'s certificate (TLS only: signatures are judged as always)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l url -d 'Where to deliver (never a host taken from a capture)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l schedule -d 'Retry schedule: wellnessliving, svix, standard-webhooks, exponential:..., list:...' -r -f -a "wellnessliving\t''
svix\t''
standard-webhooks\t''
exponential\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l max-attempts -d 'Give up after this many attempts' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l jitter -d 'Vary each delay by up to this many percent (reproducible with --seed)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l seed -d 'Seed for --jitter and --order shuffle' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l start -d 'Start the simulated clock here instead of now: a time, or relative to now: +1h, -1d' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l speed -d 'Really wait delay/X between attempts (3600 = one simulated hour per second)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l secret -d 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l secret-file -d 'Read the webhook key from a file (one trailing newline is trimmed)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l signature-encoding -d 'How x-signature-256 spells the HMAC (modelled: WL does not document it)' -r -f -a "hex\t'64 lower-case hex digits (modelled default)'
base64\t'Standard base64 with padding'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l signature-prefix -d 'Text before the encoded HMAC, e.g. \'sha256=\' (modelled: none)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l payload-key -d 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)' -r -f -a "sha256\t'Lower-case hex SHA-256 of the exact body bytes (modelled default)'
none\t'No rule: none is sent, and whatever arrives is not checked'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l timestamp-format -d 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)' -r -f -a "rfc3339\t'RFC 3339 UTC, written with milliseconds (modelled default)'
unix\t'Unix seconds'
unix-ms\t'Unix milliseconds'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l duplicates -d 'After success, deliver N more identical copies and check each is acknowledged' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l order -d 'Order of several captures' -r -f -a "given\t'As given on the command line (folders sorted by name)'
generated\t'Oldest x-generated-at first'
shuffle\t'Shuffled (reproducible with --seed)'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l timeout -d 'Give up on one attempt after this long' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -s H -l header -d 'Add a header to every request, for an endpoint behind auth: -H \'Authorization: Bearer TOKEN\' (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l cacert -d 'Trust the certificates in this PEM file for https, e.g. a local self-signed one' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l realtime -d 'Really wait the full delays'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l resign -d 'Re-sign each capture with the key (--secret, --secret-file, WL_HOOK_SECRET)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l print-schedule -d 'Print the schedule (attempt, delay, cumulative time) and exit'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -l insecure -d 'Do not check the https endpoint\'s certificate (TLS only: signatures are judged as always)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l secret -d 'A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l secret-file -d 'Read a key from a file (repeatable; one trailing newline is trimmed)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l signature-encoding -d 'How x-signature-256 spells the HMAC (modelled: WL does not document it)' -r -f -a "hex\t'64 lower-case hex digits (modelled default)'
base64\t'Standard base64 with padding'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l signature-prefix -d 'Text before the encoded HMAC, e.g. \'sha256=\' (modelled: none)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l payload-key -d 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)' -r -f -a "sha256\t'Lower-case hex SHA-256 of the exact body bytes (modelled default)'
none\t'No rule: none is sent, and whatever arrives is not checked'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l timestamp-format -d 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)' -r -f -a "rfc3339\t'RFC 3339 UTC, written with milliseconds (modelled default)'
unix\t'Unix seconds'
unix-ms\t'Unix milliseconds'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l now -d 'The clock for the age checks, at a time or relative to now: +1d, -2h [default: now]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l max-age -d 'Fail events older than this (without it, older than WL\'s 72 h retry window is a warning)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l skew -d 'How far in the future x-generated-at may be' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l show-expected -d 'Show the signature the first key gives over the body'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l strict -d 'Count warnings (a wrong x-payload-key or content type, an unknown event...) as failures'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -s q -l quiet -d 'Print nothing; only the exit code tells'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -s t -l topic -d 'Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, \'client.*\'' -r -f -a "business.updated\t'Business'
location.created\t'Location'
location.updated\t'Location'
staff.created\t'Staff Profile'
staff.updated\t'Staff Profile'
class.created\t'Schedule'
class.updated\t'Schedule'
appointment.created\t'Service'
appointment.updated\t'Service'
client.created\t'Client Profile'
client.updated\t'Client Profile'
purchase.created\t'Purchases'
purchase.refunded\t'Purchases'
business\t'the Business family\'s first event'
location\t'the Location family\'s first event'
staff\t'the Staff Profile family\'s first event'
staff-profile\t'the Staff Profile family\'s first event'
class\t'the Schedule family\'s first event'
schedule\t'the Schedule family\'s first event'
appointment\t'the Service family\'s first event'
service\t'the Service family\'s first event'
client\t'the Client Profile family\'s first event'
client-profile\t'the Client Profile family\'s first event'
purchase\t'the Purchases family\'s first event'
purchases\t'the Purchases family\'s first event'
all\t'all 13 events'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l fixture -d 'Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l data -d 'Send this file\'s bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l generated-at -d 'Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l json-style -d 'How fixture bodies are spelt (modelled: WL\'s own spelling is unknown); --data is sent as is' -r -f -a "compact\t'Compact, raw UTF-8, / as is (what JSON.stringify writes)'
php\t'PHP json_encode defaults: compact, / as \\/, non-ASCII as \\uXXXX'
pretty\t'Indented by 4, raw UTF-8, with a trailing newline'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l fixtures -d 'A folder of <event>.json files that add or replace bundled fixtures' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l seed -d 'Seed for generated ids, for byte-for-byte reproducible output' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l now -d 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l set -d 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l set-json -d 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l add -d 'Create a field on purpose: --add a_price.m_fee=\'"2.00"\' (repeatable; it must not exist)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l replace -d 'Replace an existing value whole, even an object or array: --replace purchase_items=\'[]\'' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l secret -d 'Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l secret-file -d 'Read the webhook key from a file (one trailing newline is trimmed)' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l signature-encoding -d 'How x-signature-256 spells the HMAC (modelled: WL does not document it)' -r -f -a "hex\t'64 lower-case hex digits (modelled default)'
base64\t'Standard base64 with padding'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l signature-prefix -d 'Text before the encoded HMAC, e.g. \'sha256=\' (modelled: none)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l payload-key -d 'What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)' -r -f -a "sha256\t'Lower-case hex SHA-256 of the exact body bytes (modelled default)'
none\t'No rule: none is sent, and whatever arrives is not checked'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l timestamp-format -d 'How x-generated-at and x-sent-at are written (modelled: WL does not document it)' -r -f -a "rfc3339\t'RFC 3339 UTC, written with milliseconds (modelled default)'
unix\t'Unix seconds'
unix-ms\t'Unix milliseconds'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l format -d 'How to print the request' -r -f -a "headers\t'Header lines, a blank line, then the body'
curl\t'A curl command that sends exactly these bytes'
http\t'A raw HTTP/1.1 request'
json\t'One JSON object per request, in the capture format verify reads'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l url -d 'The endpoint named in curl and http output' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -s H -l header -d 'Add or replace a header: --header \'X-Trace: 1\' (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l raw -d 'Accept a --data body that is not JSON'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -l exact -d 'Keep the fixture\'s meta_data.id and meta_data.date instead of making a new event'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand demo" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand demo" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand demo" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand demo" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -f -a "list" -d 'List the events: family, seed name, aliases, record-id field'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -f -a "show" -d 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -f -a "export" -d 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -f -a "import" -d 'Turn a real captured request into a fixture, with personal data replaced by fake values'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and not __fish_seen_subcommand_from list show export import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from list" -l fixtures -d 'A folder of <event>.json files that add or replace bundled fixtures' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from list" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from list" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l fixtures -d 'A folder of <event>.json files that add or replace bundled fixtures' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l seed -d 'Seed for generated ids, for byte-for-byte reproducible output' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l now -d 'Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l set -d 'Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l set-json -d 'Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l add -d 'Create a field on purpose: --add a_price.m_fee=\'"2.00"\' (repeatable; it must not exist)' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l replace -d 'Replace an existing value whole, even an object or array: --replace purchase_items=\'[]\'' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l raw -d 'Print the stored file exactly as it is'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l exact -d 'Keep the fixture\'s meta_data.id and meta_data.date instead of making a new event'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from export" -l fixtures -d 'A folder of <event>.json files that add or replace bundled fixtures' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from export" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from export" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from export" -l force -d 'Overwrite files that exist'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l name -d 'The event name, which is also the file name: <NAME>.json' -r -f -a "business.updated\t'Business'
location.created\t'Location'
location.updated\t'Location'
staff.created\t'Staff Profile'
staff.updated\t'Staff Profile'
class.created\t'Schedule'
class.updated\t'Schedule'
appointment.created\t'Service'
appointment.updated\t'Service'
client.created\t'Client Profile'
client.updated\t'Client Profile'
purchase.created\t'Purchases'
purchase.refunded\t'Purchases'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l dir -d 'Folder to write to (created when missing); use it with --fixtures DIR' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l seed -d 'Seed for the fake values' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l no-redact -d 'Keep personal data as it is (not for fixtures you share)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -l force -d 'Overwrite the file if it exists'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the events: family, seed name, aliases, record-id field'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "import" -d 'Turn a real captured request into a fixture, with personal data replaced by fake values'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand completions" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand completions" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand completions" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand man" -l dir -d 'Write wl-hook.1 and a page per command (wl-hook-send.1, wl-hook-fixtures-import.1, ...) into this folder instead of printing one page' -r -F
complete -c wl-hook -n "__fish_wl_hook_using_subcommand man" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand man" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand man" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand init" -l lang -d 'The starter\'s language' -r -f -a "python\t'FastAPI + uvicorn'
node\t'Express'
php\t'plain PHP, for php -S and any PHP host'
go\t'net/http from the standard library'"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand init" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand init" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand init" -l force -d 'Write into a folder that is not empty, replacing files with the same names'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand init" -l list -d 'List the starters instead of writing one'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and not __fish_seen_subcommand_from show help" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and not __fish_seen_subcommand_from show help" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print the settings in effect, each with where it comes from; never a key'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to colour output: auto (a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Use the named profile of wl-hook.toml ([profiles.NAME]) over the file\'s defaults' -r
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'One JSON object per line (see the README\'s table for this command)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the settings in effect, each with where it comes from; never a key'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "send" -d 'Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "listen" -d 'Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "check" -d 'Run a conformance suite against your webhook endpoint, with a JUnit report for CI'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "replay" -d 'Re-deliver captured requests the way WL\'s retry engine would, on a simulated clock'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "verify" -d 'Check captured requests and explain every failure'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "sign" -d 'Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "demo" -d 'The whole flow on this machine in seconds: listen, send, verify, replay, check'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "fixtures" -d 'List, show, export and import fixtures (a real capture becomes one, personal data replaced)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "man" -d 'Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "init" -d 'Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "config" -d 'Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and not __fish_seen_subcommand_from send listen check replay verify sign demo fixtures completions man init config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and __fish_seen_subcommand_from fixtures" -f -a "list" -d 'List the events: family, seed name, aliases, record-id field'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and __fish_seen_subcommand_from fixtures" -f -a "show" -d 'Show fixtures rendered as new events (pretty JSON), or the stored files with --raw'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and __fish_seen_subcommand_from fixtures" -f -a "export" -d 'Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and __fish_seen_subcommand_from fixtures" -f -a "import" -d 'Turn a real captured request into a fixture, with personal data replaced by fake values'
complete -c wl-hook -n "__fish_wl_hook_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the settings in effect, each with where it comes from; never a key'
