// A WellnessLiving webhook receiver on net/http alone: verify, acknowledge at once, do the work in
// the background. Every rule below is one that `wl-hook check` tests; ./test runs it against this
// server.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// The field that names the record in each resource's body: events about one record are ordered by
// x-generated-at. A purchase refund names its order by order_id.
var recordID = map[string][]string{
	"business":    {"k_business"},
	"location":    {"k_location"},
	"staff":       {"k_staff"},
	"class":       {"k_class"},
	"appointment": {"k_service"},
	"client":      {"uid"},
	"purchase":    {"text_purchase_id", "order_id"},
}

var knownTopics = map[string]bool{
	"business.updated": true, "location.created": true, "location.updated": true,
	"staff.created": true, "staff.updated": true, "class.created": true, "class.updated": true,
	"appointment.created": true, "appointment.updated": true, "client.created": true,
	"client.updated": true, "purchase.created": true, "purchase.refunded": true,
}

// A purchase with many line items is several hundred KB; allow far more, but not without limit.
const maxBody = 32 << 20

type event struct {
	topic string
	body  map[string]any
}

type receiver struct {
	secret []byte
	queue  chan event

	// In memory to keep the starter small. In production keep both in your database (a unique
	// index on the payload key, a column with the last x-generated-at per record), so that they
	// survive a restart and are shared by every process; payload keys can be forgotten after 3
	// days, when WL stops retrying.
	mu       sync.Mutex
	seen     map[string]bool
	latestAt map[string]time.Time
}

// signatureOK: x-signature-256 is the hex HMAC-SHA256 of the body with the webhook key.
func (r *receiver) signatureOK(signed []byte, header string) bool {
	value := strings.TrimSpace(header)
	if len(value) >= 7 && strings.EqualFold(value[:7], "sha256=") {
		value = value[7:]
	}
	given, err := hex.DecodeString(value) // accepts upper-case hex too
	if err != nil || value == "" {
		return false
	}
	mac := hmac.New(sha256.New, r.secret)
	mac.Write(signed)
	// hmac.Equal takes as long wherever the first difference is: bytes.Equal would let an
	// attacker find a valid signature byte by byte from the response time.
	return hmac.Equal(mac.Sum(nil), given)
}

func recordOf(topic string, body map[string]any) string {
	resource := strings.SplitN(topic, ".", 2)[0]
	for _, field := range recordID[resource] {
		if v, ok := body[field]; ok && v != nil {
			b, _ := json.Marshal(v)
			return resource + ":" + strings.Trim(string(b), `"`)
		}
	}
	return ""
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != "/webhooks" {
		http.NotFound(w, req)
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	// The raw bytes, exactly as sent: the signature covers them, not json.Marshal of a parsed
	// copy, which orders, spaces and escapes differently.
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
		}
		return
	}
	signed := body // the raw bytes, exactly as received
	if !r.signatureOK(signed, req.Header.Get("X-Signature-256")) {
		log.Print("refused: missing or invalid x-signature-256")
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}

	// WL retries until it gets a 200, so the same delivery can come twice: acknowledge it again,
	// do not process it again.
	key := req.Header.Get("X-Payload-Key")
	if key == "" {
		sum := sha256.Sum256(body)
		key = hex.EncodeToString(sum[:])
	}
	topic := req.Header.Get("X-Topic")
	if !knownTopics[topic] {
		// WL may add events; a refusal would be retried for three days.
		if r.firstTime(key) {
			log.Printf("unknown topic %q acknowledged and ignored", topic)
		}
		io.WriteString(w, "ignored\n")
		return
	}

	var parsed map[string]any
	if err := json.Unmarshal(body, &parsed); err != nil || parsed == nil {
		http.Error(w, "body is not a JSON object", http.StatusBadRequest)
		return
	}
	generatedAt, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(req.Header.Get("X-Generated-At")))
	hasTime := err == nil
	record := recordOf(topic, parsed)

	r.mu.Lock()
	duplicate := r.seen[key]
	stale := false
	if !duplicate {
		r.seen[key] = true
		// Retries and parallel deliveries arrive out of order: an event older than one already
		// taken for the same record is stale. Acknowledge it (a refusal would be retried) but skip
		// it. Never refuse an event for its age alone: WL retries for up to 72 hours.
		if record != "" && hasTime {
			if last, ok := r.latestAt[record]; ok && generatedAt.Before(last) {
				stale = true
			} else {
				r.latestAt[record] = generatedAt
			}
		}
	}
	r.mu.Unlock()

	switch {
	case duplicate:
		log.Printf("duplicate %.8s acknowledged", key)
		io.WriteString(w, "duplicate\n")
	case stale:
		log.Printf("stale %s for %s ignored", topic, record)
		io.WriteString(w, "stale\n")
	default:
		// Answer now, work later: WL waits only so long for the answer, then retries. A full
		// queue answers 503, so WL delivers the event again later instead of it being lost.
		select {
		case r.queue <- event{topic, parsed}:
			io.WriteString(w, "ok\n")
		default:
			r.mu.Lock()
			delete(r.seen, key)
			r.mu.Unlock()
			http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
		}
	}
}

// firstTime records a payload key and says whether it was new.
func (r *receiver) firstTime(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	return true
}

// handle: your work goes here: update your CRM, database or dashboard.
func handle(e event) {
	log.Printf("processed %s for %s", e.topic, recordOf(e.topic, e.body))
}

func (r *receiver) work() {
	for e := range r.queue {
		func() {
			// One bad event must not stop the worker.
			defer func() {
				if p := recover(); p != nil {
					log.Printf("processing %s failed: %v", e.topic, p)
				}
			}()
			handle(e)
		}()
	}
}

func main() {
	// The webhook key WL issued with the subscription. Refuse to start without it rather than
	// accept everything.
	secret := os.Getenv("WL_HOOK_SECRET")
	if secret == "" {
		log.Fatal("set WL_HOOK_SECRET to your WellnessLiving webhook key")
	}
	r := &receiver{
		secret:   []byte(secret),
		queue:    make(chan event, 10000),
		seen:     map[string]bool{},
		latestAt: map[string]time.Time{},
	}
	go r.work()

	// HOST=0.0.0.0 to take deliveries from other machines (or put it behind your reverse proxy).
	host, port := os.Getenv("HOST"), os.Getenv("PORT")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "3000"
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	// PORT=0 picks a free port; this line says which (./test reads it).
	log.Printf("listening on http://%s/webhooks", listener.Addr())
	server := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(listener))
}
