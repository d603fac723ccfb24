//! The kinds of personal value, as named in the list of replacements.

use std::fmt;

/// What kind of personal value a [`Replacement`](super::Replacement) replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A first, last or full person name.
    Name,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A street address.
    Address,
    /// A person's city.
    City,
    /// A postal or ZIP code.
    PostalCode,
    /// A birth date.
    BirthDate,
    /// A typed-in note or comment.
    FreeText,
    /// Payment card digits.
    CardDigits,
}

impl Kind {
    /// The short word used in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Name => "name",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Address => "address",
            Kind::City => "city",
            Kind::PostalCode => "postal",
            Kind::BirthDate => "birthdate",
            Kind::FreeText => "note",
            Kind::CardDigits => "card",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
