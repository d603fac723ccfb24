//! The fictional values fakes are drawn from: common first and last names, role mailboxes,
//! small-town city names, street names and fictional phone lines.

pub(in crate::redact) const FIRST_NAMES: &[&str] = &[
    "Alex",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Parker",
    "Emma",
    "Olivia",
    "Sophia",
    "Isabella",
    "Charlotte",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Benjamin",
    "Lucas",
    "Henry",
    "Daniel",
    "Grace",
    "Chloe",
    "Nora",
    "Hannah",
    "Claire",
    "Samuel",
    "David",
    "Joseph",
    "Owen",
    "Ethan",
];

pub(in crate::redact) const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams",
    "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner",
    "Parker", "Collins", "Edwards",
];

pub(in crate::redact) const ROLE_MAILBOXES: &[&str] = &[
    "frontdesk",
    "info",
    "hello",
    "studio",
    "contact",
    "office",
    "bookings",
    "team",
];

pub(in crate::redact) const CITIES: &[&str] = &[
    "Springfield",
    "Riverside",
    "Fairview",
    "Greenville",
    "Franklin",
    "Madison",
    "Georgetown",
    "Salem",
    "Clinton",
    "Arlington",
    "Ashland",
    "Milford",
];

pub(in crate::redact) const STREET_NAMES: &[&str] = &[
    "Example", "Maple", "Oak", "Cedar", "Elm", "Pine", "Willow", "Birch", "Chestnut", "Walnut",
    "Spruce", "Sample", "Hillside", "Lakeview", "Meadow", "Orchard",
];

pub(in crate::redact) const STREET_SUFFIXES: &[&str] = &[
    "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Way",
];

/// Area codes for fake North American numbers (the 555-01xx lines are fictional in all).
pub(in crate::redact) const AREA_CODES: &[&str] = &[
    "201", "202", "212", "305", "312", "415", "503", "617", "646", "702", "718", "773", "818",
    "917", "973",
];

/// Neutral sentences for free text, longest first; whole sentences are combined to come close
/// to the original's length.
pub(in crate::redact) const NEUTRAL_SENTENCES: &[&str] = &[
    "Note redacted by wl-hook.",
    "Personal details were removed.",
    "This text stands in for the original.",
    "Nothing here refers to a real person.",
    "Details removed.",
    "Text removed.",
    "Redacted.",
];
