//! The topic catalogue: WL's 13 events in seven families, and how a user's `--topic` words
//! (event names, family aliases, `family.*`, `all`) resolve to events.

use std::fmt;

/// One of the seven families the seed document names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Business,
    Location,
    Staff,
    Class,
    Appointment,
    Client,
    Purchase,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::Business,
        Family::Location,
        Family::Staff,
        Family::Class,
        Family::Appointment,
        Family::Client,
        Family::Purchase,
    ];

    /// The resource word of the event names (`purchase` in `purchase.created`).
    pub fn resource(self) -> &'static str {
        match self {
            Family::Business => "business",
            Family::Location => "location",
            Family::Staff => "staff",
            Family::Class => "class",
            Family::Appointment => "appointment",
            Family::Client => "client",
            Family::Purchase => "purchase",
        }
    }

    /// The family's name in the seed document.
    pub fn seed_name(self) -> &'static str {
        match self {
            Family::Business => "Business",
            Family::Location => "Location",
            Family::Staff => "Staff Profile",
            Family::Class => "Schedule",
            Family::Appointment => "Service",
            Family::Client => "Client Profile",
            Family::Purchase => "Purchases",
        }
    }

    /// Words that name the family on the command line (singular; plurals are accepted too).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Family::Business => &["business"],
            Family::Location => &["location"],
            Family::Staff => &["staff", "staff-profile"],
            Family::Class => &["class", "schedule"],
            Family::Appointment => &["appointment", "service"],
            Family::Client => &["client", "client-profile"],
            Family::Purchase => &["purchase", "purchases"],
        }
    }

    /// Top-level body fields that identify the record, in order of preference.
    pub fn record_id_fields(self) -> &'static [&'static str] {
        match self {
            Family::Business => &["k_business"],
            Family::Location => &["k_location"],
            Family::Staff => &["k_staff"],
            Family::Class => &["k_class"],
            Family::Appointment => &["k_service"],
            Family::Client => &["uid"],
            Family::Purchase => &["text_purchase_id", "order_id"],
        }
    }

    /// The events of this family, in catalogue order.
    pub fn events(self) -> impl Iterator<Item = &'static Event> {
        EVENTS.iter().filter(move |e| e.family == self)
    }

    fn from_alias(word: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|f| f.aliases().contains(&word))
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.resource())
    }
}

/// One WL event, e.g. `purchase.created`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Event {
    pub name: &'static str,
    pub family: Family,
}

impl Event {
    /// The part after the dot: `created`, `updated` or `refunded`.
    pub fn operation(&self) -> &'static str {
        self.name.split_once('.').map_or("", |(_, op)| op)
    }

    /// The body field that identifies this event's record (`order_id` for refunds).
    pub fn record_id_field(&self) -> &'static str {
        match self.name {
            "purchase.refunded" => "order_id",
            _ => self.family.record_id_fields()[0],
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The one list of WL's events, in catalogue order (the order `all` sends them in), each with
/// its family. A macro that hands the list to another macro, so the fixture module embeds each
/// event's bundled file from this same list.
macro_rules! wl_events {
    ($then:ident) => {
        $then! {
            "business.updated" => Business,
            "location.created" => Location,
            "location.updated" => Location,
            "staff.created" => Staff,
            "staff.updated" => Staff,
            "class.created" => Class,
            "class.updated" => Class,
            "appointment.created" => Appointment,
            "appointment.updated" => Appointment,
            "client.created" => Client,
            "client.updated" => Client,
            "purchase.created" => Purchase,
            "purchase.refunded" => Purchase,
        }
    };
}
pub(crate) use wl_events;

macro_rules! events_table {
    ($($name:literal => $family:ident),* $(,)?) => {
        /// All 13 events in catalogue order (the order `all` sends them in).
        pub static EVENTS: [Event; 13] = [$(Event { name: $name, family: Family::$family }),*];
    };
}
wl_events!(events_table);

/// The catalogue event with exactly this name (case-insensitive).
pub fn event(name: &str) -> Option<&'static Event> {
    EVENTS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name.trim()))
}

/// A `--topic` word that names no event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown topic '{input}'{}; valid topics: all, {}, or an event name: {}",
    .suggestion.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default(),
    family_words(), event_names())]
pub struct UnknownTopic {
    pub input: String,
    pub suggestion: Option<String>,
}

fn family_words() -> String {
    Family::ALL
        .iter()
        .map(|f| format!("{}[.*]", f.aliases().join("|")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn event_names() -> String {
    EVENTS.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
}

/// Lower-case, `_`/space to `-`, and the singular forms to try (`classes` -> `class`).
fn family_candidates(word: &str) -> Vec<String> {
    let w = word.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    let mut out = vec![w.clone()];
    if let Some(s) = w.strip_suffix("es") {
        out.push(s.to_string());
    }
    if let Some(s) = w.strip_suffix('s') {
        out.push(s.to_string());
    }
    out
}

fn family_of(word: &str) -> Option<Family> {
    family_candidates(word)
        .iter()
        .find_map(|c| Family::from_alias(c))
}

/// Resolve one `--topic` word to the events it names, in catalogue order.
///
/// Accepts an event name (`purchase.created`), a family alias alone (its first event), `alias.*`
/// (the whole family), an alias with an operation (`service.updated`) and `all`, all case- and
/// plural-insensitive.
pub fn resolve(spec: &str) -> Result<Vec<&'static Event>, UnknownTopic> {
    let word = spec.trim();
    if word.eq_ignore_ascii_case("all") || word == "*" {
        return Ok(EVENTS.iter().collect());
    }
    if let Some(e) = event(word) {
        return Ok(vec![e]);
    }
    if let Some((fam, op)) = word.split_once('.') {
        if let Some(family) = family_of(fam) {
            if op == "*" {
                return Ok(family.events().collect());
            }
            let op = op.trim().to_ascii_lowercase();
            if let Some(e) = family.events().find(|e| e.operation() == op) {
                return Ok(vec![e]);
            }
        }
    } else if let Some(family) = family_of(word) {
        return Ok(family.events().take(1).collect());
    }
    Err(UnknownTopic {
        input: spec.to_string(),
        suggestion: suggest(word),
    })
}

/// Resolve several words, keeping first-seen order and dropping repeats.
pub fn resolve_all<S: AsRef<str>>(specs: &[S]) -> Result<Vec<&'static Event>, UnknownTopic> {
    let mut out: Vec<&'static Event> = Vec::new();
    for spec in specs {
        for e in resolve(spec.as_ref())? {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// The closest valid word, when one is close enough to be a likely typo.
fn suggest(word: &str) -> Option<String> {
    let w = word.to_ascii_lowercase();
    let mut candidates: Vec<String> = EVENTS.iter().map(|e| e.name.to_string()).collect();
    for f in Family::ALL {
        for a in f.aliases() {
            candidates.push((*a).to_string());
            candidates.push(format!("{a}.*"));
        }
    }
    candidates.push("all".into());
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&w, &c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(spec: &str) -> Vec<&'static str> {
        resolve(spec).expect(spec).iter().map(|e| e.name).collect()
    }

    #[test]
    fn thirteen_events_in_seven_families() {
        assert_eq!(EVENTS.len(), 13);
        for f in Family::ALL {
            assert!(f.events().count() >= 1, "{f}");
            for e in f.events() {
                assert!(e.name.starts_with(&format!("{}.", f.resource())));
            }
        }
    }

    #[test]
    fn every_alias_resolves_to_its_family_first_event() {
        for f in Family::ALL {
            let first = f.events().next().map(|e| e.name);
            for a in f.aliases() {
                assert_eq!(names(a).first().copied(), first, "{a}");
                assert_eq!(names(&a.to_uppercase()).first().copied(), first, "{a}");
                assert_eq!(names(&format!("{a}s")).first().copied(), first, "{a}s");
            }
        }
    }

    #[test]
    fn seed_examples() {
        assert_eq!(names("purchases"), ["purchase.created"]);
        assert_eq!(
            names("Purchases.*"),
            ["purchase.created", "purchase.refunded"]
        );
        assert_eq!(names("schedule"), ["class.created"]);
        assert_eq!(names("classes"), ["class.created"]);
        assert_eq!(names("businesses"), ["business.updated"]);
        assert_eq!(names("service.updated"), ["appointment.updated"]);
        assert_eq!(names("Staff-Profile"), ["staff.created"]);
        assert_eq!(
            names("client_profile.*"),
            ["client.created", "client.updated"]
        );
        assert_eq!(names("PURCHASE.REFUNDED"), ["purchase.refunded"]);
        assert_eq!(names("all").len(), 13);
    }

    #[test]
    fn resolve_all_dedups_in_order() {
        let got: Vec<_> = resolve_all(&["client.*", "client.created", "business"])
            .unwrap()
            .iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(
            got,
            ["client.created", "client.updated", "business.updated"]
        );
    }

    #[test]
    fn unknown_topics_suggest_a_close_one() {
        let err = resolve("purchse.created").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("purchase.created"));
        assert!(err.to_string().contains("did you mean 'purchase.created'"));
        let err = resolve("clinet").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("client"));
        let err = resolve("membership.created").unwrap_err();
        assert!(err.to_string().contains("valid topics"));
        assert!(resolve("").is_err());
        assert!(resolve("purchase.deleted").is_err());
    }
}
