//! The answers a deal file gives in words (`yes`, `opt-in`, `unknown`) and in counts, and the
//! answers worth trying for a field left `unknown`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! answer_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }
    };
}

answer_enum!(
    /// A fact that may be true, false or not known yet.
    Answer { Yes, No, Unknown }
);
answer_enum!(Role {
    Controller,
    JointController,
    Processor,
    Internal,
    Unknown
});
answer_enum!(Scope {
    One,
    Several,
    Many,
    Public,
    Unknown
});
answer_enum!(Prominence {
    None,
    Buried,
    Clear,
    Specific,
    Unknown
});
answer_enum!(Initiator {
    Provider,
    Recipient,
    Customer,
    Unknown
});
answer_enum!(Subjects {
    Customers,
    Patients,
    Minors,
    Employees,
    Public,
    Unknown
});
answer_enum!(Form {
    Identified,
    Pseudonymised,
    Aggregated,
    Anonymised,
    Synthetic,
    Unknown
});
answer_enum!(Granularity {
    LineItem,
    Basket,
    Transaction,
    Trip,
    Event,
    Record,
    Profile,
    Aggregate,
    Unknown
});
answer_enum!(Provenance {
    Given,
    Observed,
    Inferred,
    Scraped,
    Bought,
    Unknown
});
answer_enum!(Consent {
    None,
    OptOut,
    OptIn,
    Explicit,
    Unknown
});
answer_enum!(LegalBasis {
    Consent,
    Contract,
    LegitimateInterests,
    LegalObligation,
    PublicTask,
    VitalInterests,
    Research,
    Unknown
});
answer_enum!(Decision {
    None,
    Marketing,
    Pricing,
    Eligibility,
    Investigation,
    Unknown
});
answer_enum!(Automation {
    None,
    Assisted,
    Solely,
    Unknown
});
answer_enum!(Onward {
    None,
    Processors,
    ThirdParties,
    Unknown
});
answer_enum!(Mode {
    FullCopy,
    Sample,
    Lookup,
    QueryAccess,
    CleanRoom,
    ProviderMediated,
    PublicRelease,
    Unknown
});
answer_enum!(Frequency {
    OneOff,
    Recurring,
    Continuous,
    Unknown
});
answer_enum!(ValueBack {
    None,
    Discounts,
    Service,
    Payment,
    Unknown
});

/// Defaults of the fields added after the first version of the format: what a deal file
/// written before them meant.
impl Scope {
    pub(super) fn one() -> Self {
        Scope::One
    }
}

impl Prominence {
    pub(super) fn clear() -> Self {
        Prominence::Clear
    }
}

impl Initiator {
    pub(super) fn provider() -> Self {
        Initiator::Provider
    }
}

impl LegalBasis {
    pub(super) fn unknown() -> Self {
        LegalBasis::Unknown
    }
}

impl Answer {
    pub(super) fn no() -> Self {
        Answer::No
    }
    pub(super) fn yes() -> Self {
        Answer::Yes
    }
}

/// A number of people or months, or `"unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Known(u64),
    Unknown,
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number of at least 0, or \"unknown\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v).map(Count::Known).map_err(|_| {
                    E::custom(format!(
                        "invalid value {v}, expected a whole number of at least 0, or \"unknown\""
                    ))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count::Known(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Count, E> {
                if v == "unknown" {
                    Ok(Count::Unknown)
                } else {
                    Err(E::custom(format!(
                        "invalid value \"{v}\", expected a whole number or \"unknown\""
                    )))
                }
            }
        }
        de.deserialize_any(Visit)
    }
}

impl JsonSchema for Count {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Count".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A whole number of at least 0, or \"unknown\".",
            "anyOf": [{ "type": "integer", "minimum": 0 }, { "const": "unknown" }]
        })
    }
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Count::Known(n) => s.serialize_i64(i64::try_from(*n).unwrap_or(i64::MAX)),
            Count::Unknown => s.serialize_str("unknown"),
        }
    }
}

/// How an enumerated answer is written in the deal file (`anonymised`, `opt-in`).
pub fn written<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The answers worth trying for a field answered `unknown` (worksheets show how each moves
/// the score): every value of an enumerated field, a few magnitudes for a count.
pub fn answers_for(path: &str) -> Vec<toml::Value> {
    let field = path.rsplit('.').next().unwrap_or(path);
    let strings = |values: &[&str]| values.iter().map(|v| toml::Value::from(*v)).collect();
    let lists = |values: &[&str]| {
        values
            .iter()
            .map(|v| toml::Value::Array(vec![toml::Value::from(*v)]))
            .collect()
    };
    let counts = |values: &[i64]| values.iter().map(|v| toml::Value::from(*v)).collect();
    match field {
        "told"
        | "can_opt_out"
        | "retroactive"
        | "would_expect"
        | "notice_mentions_sharing"
        | "minors"
        | "linkable"
        | "promise_broken" => strings(&["yes", "no"]),
        "role" => strings(&["controller", "joint-controller", "processor", "internal"]),
        "scope" => strings(&["one", "several", "many", "public"]),
        "notice_prominence" => strings(&["none", "buried", "clear", "specific"]),
        "initiated_by" => strings(&["provider", "recipient", "customer"]),
        "subjects" => strings(&["customers", "patients", "minors", "employees", "public"]),
        "form" => strings(&["identified", "pseudonymised", "aggregated", "anonymised", "synthetic"]),
        "granularity" => strings(&[
            "line-item",
            "basket",
            "transaction",
            "trip",
            "event",
            "record",
            "profile",
            "aggregate",
        ]),
        "consent" => strings(&["none", "opt-out", "opt-in", "explicit"]),
        "legal_basis" => strings(&[
            "consent",
            "contract",
            "legitimate-interests",
            "legal-obligation",
            "public-task",
            "vital-interests",
            "research",
        ]),
        "automated" => strings(&["none", "assisted", "solely"]),
        "onward_transfer" => strings(&["none", "processors", "third-parties"]),
        "mode" => strings(&[
            "full-copy",
            "sample",
            "lookup",
            "query-access",
            "clean-room",
            "provider-mediated",
            "public-release",
        ]),
        "frequency" => strings(&["one-off", "recurring", "continuous"]),
        "value" => strings(&["none", "discounts", "service", "payment"]),
        "decisions" => lists(&["none", "marketing", "pricing", "eligibility", "investigation"]),
        "provenance" => lists(&["given", "observed", "inferred", "scraped", "bought"]),
        "people" => counts(&[10_000, 100_000, 1_000_000]),
        "history_months" | "retention_months" => counts(&[6, 24, 120]),
        _ => Vec::new(),
    }
}
