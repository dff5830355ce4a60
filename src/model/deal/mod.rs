//! The deal file: the types a deal TOML is parsed into, documented field by field in
//! docs/deal-format.md. Values naming the rule pack's taxonomies (categories, purposes,
//! sectors, mitigations) stay strings here and are checked against the pack in `validate`.

mod answers;

use crate::model::observed::DatasetEvidence;
pub use answers::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A string from the deal file, with where it was written (for errors and reports).
pub type Text = Spanned<String>;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deal {
    pub deal: About,
    pub provider: Party,
    pub recipient: Recipient,
    pub datasets: Vec<Dataset>,
    pub collection: Collection,
    #[serde(rename = "use")]
    pub proposed_use: ProposedUse,
    pub transfer: Transfer,
    pub customers: Customers,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<DeclaredMitigation>,
    /// Variants of this deal to assess side by side: overlays on the fields above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

/// A named variant of the deal: some fields set to other values, some mitigations added.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short id, for `--scenario NAME`.
    #[schemars(with = "String")]
    pub name: Text,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Field paths as in reports (`transfer.mode`, `datasets[0].excluded`, `datasets[].form`)
    /// and the values they take in this scenario.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub set: std::collections::BTreeMap<String, Spanned<toml::Value>>,
    /// Mitigations added in this scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<DeclaredMitigation>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct About {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: String,
    #[schemars(with = "String")]
    pub sector: Text,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub jurisdictions: Vec<Text>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: String,
    #[schemars(with = "String")]
    pub sector: Text,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub jurisdictions: Vec<Text>,
    /// Whether the recipient decides the purposes itself (a new controller), acts only on
    /// the provider's instructions (a processor), or is the provider itself (`internal`).
    pub role: Role,
    /// How many parties receive the data: one, several named partners, many (a broker's
    /// clients, an ad exchange), or the public. Absent: one.
    #[serde(default = "Scope::one")]
    pub scope: Scope,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub subjects: Subjects,
    pub minors: Answer,
    #[schemars(with = "Vec<String>")]
    pub categories: Vec<Text>,
    /// Categories removed at source before the data is shared.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub excluded: Vec<Text>,
    pub people: Count,
    pub form: Form,
    pub granularity: Granularity,
    /// Can two records be tied to the same person, by a name, an account, a card, a device id
    /// or a pseudonym that persists? `no` when each record stands alone (an incident report
    /// without its reporter, an identifier that rotates every few minutes). Absent: yes.
    #[serde(default = "Answer::yes")]
    pub linkable: Answer,
    pub history_months: Count,
    pub provenance: Vec<Provenance>,
    /// Columns or fields that single people out together (postcode, birth date, sex), as
    /// declared, whether or not a sample is scanned.
    #[serde(default)]
    pub quasi_identifiers: Vec<String>,
    /// A sample of the data (and/or its data dictionary) to scan for evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceSpec>,
    /// What the scan of `evidence` found; filled in after reading, never written in the file.
    #[serde(skip)]
    #[schemars(skip)]
    pub observed: Option<std::sync::Arc<crate::model::observed::Observed>>,
}

impl Dataset {
    /// The dataset's evidence beside its declarations (what reports show), if it has evidence.
    pub fn evidence(&self) -> Option<DatasetEvidence> {
        Some(DatasetEvidence {
            dataset: self.id.clone(),
            declared_form: written(&self.form),
            declared_categories: self.categories.iter().map(|c| c.get_ref().clone()).collect(),
            excluded: self.excluded.iter().map(|c| c.get_ref().clone()).collect(),
            observed: self.observed.clone()?,
        })
    }
}

/// Where a dataset's sample is and what its columns are (`[datasets.evidence]`). Paths are
/// relative to the deal file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSpec {
    /// A CSV sample of records, with a header row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// A CSV data dictionary: field name, description, example (a header row first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary: Option<String>,
    /// The result of the scan run as SQL where the data live (`dealrisk scan --emit-sql`),
    /// read instead of scanning `sample` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<String>,
    /// The column that names the person (card, customer, account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Text columns to scan for the pack's keywords (product descriptions, posts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<String>,
    /// Columns that single people out together (ZIP code, birth year, sex).
    #[serde(default)]
    pub quasi_identifiers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    #[schemars(with = "Vec<String>")]
    pub purposes: Vec<Text>,
    /// Purposes the privacy notice names (what customers were told at collection).
    #[schemars(with = "Vec<String>")]
    pub notice_purposes: Vec<Text>,
    pub notice_mentions_sharing: Answer,
    /// How prominent the notice was: none at all, buried in terms, clear, or specific (this
    /// recipient and purpose named plainly at collection). Absent: clear.
    #[serde(default = "Prominence::clear")]
    pub notice_prominence: Prominence,
    pub consent: Consent,
    pub legal_basis: LegalBasis,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposedUse {
    #[schemars(with = "Vec<String>")]
    pub purposes: Vec<Text>,
    /// The legal basis the proposed use rests on. Absent: unknown.
    #[serde(default = "LegalBasis::unknown")]
    pub legal_basis: LegalBasis,
    pub decisions: Vec<Decision>,
    pub automated: Automation,
    pub onward_transfer: Onward,
    pub retention_months: Count,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub mode: Mode,
    pub frequency: Frequency,
    /// Who sets each transfer off: the provider, the recipient, or the customer directing
    /// their own data to a recipient of their choosing. Absent: the provider.
    #[serde(default = "Initiator::provider")]
    pub initiated_by: Initiator,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customers {
    /// Are customers told of this particular deal before it happens?
    pub told: Answer,
    pub can_opt_out: Answer,
    pub value: ValueBack,
    /// Does the deal apply to data collected before its terms were announced?
    pub retroactive: Answer,
    /// The front-page test as judged by the people in the room.
    pub would_expect: Answer,
    /// Does the flow contradict something customers were explicitly told? Absent: no.
    #[serde(default = "Answer::no")]
    pub promise_broken: Answer,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredMitigation {
    #[schemars(with = "String")]
    pub id: Text,
    /// Where the mitigation is written down (a contract clause, a k value, a DPIA reference).
    /// Without it the mitigation is "asserted" and counts for less.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// The JSON Schema of the deal format, generated from the types the parser reads into, for
/// editors (Taplo / Even Better TOML read JSON Schemas for TOML files).
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(Deal);
    schema.insert("title".into(), "dealrisk deal file".into());
    schema.insert(
        "description".into(),
        "A proposed data-sharing deal, assessed by `dealrisk assess`. Category, purpose, sector, jurisdiction and mitigation ids come from the rule pack: `dealrisk rules list`, docs/deal-format.md.".into(),
    );
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
