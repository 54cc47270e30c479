//! Server presets: `"auth": {"preset": "auth0"}` gives every `auth` field the
//! value a vendor documents as its default, and fields written next to the
//! preset override it. One table ([`PRESETS`], in `presets/vendors.rs`) holds
//! each preset's values, its sources and what the model cannot express; the
//! loader, `tokenrace presets` and docs/presets.md all read it, so they
//! cannot disagree.
//!
//! Merge order: the preset's values first, then every field written in the
//! file. The merge happens while deserialising ([`AuthFields`] → [`Auth`]),
//! so every path that reads a scenario — files, saved traces, library users
//! calling serde — resolves presets the same way. A resolved [`Auth`] keeps
//! the preset's name (`Auth::preset`) beside the resolved values: traces
//! carry every value explicitly, so replay needs nothing from this table,
//! and the name stays as provenance (docs/presets.md "In traces").
//!
//! What this module deliberately does not do: validate. A preset value goes
//! through the same checks as a written one.

mod markdown;
mod saas;
mod self_hosted;
mod servers;
mod vendors;

pub use markdown::{markdown_reference, MARKER_BEGIN, MARKER_END};
pub use vendors::PRESETS;

use super::{Auth, Duration, GraceReturns, GraceScope, RefreshExpiry, Reuse};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// The preset names a scenario may write; their spelling is part of the
/// format (the JSON Schema lists them).
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum PresetName {
    Auth0,
    Okta,
    Keycloak,
    KeycloakStrict,
    Hydra,
    Cognito,
    CognitoRotation,
    Supabase,
    SpringAuthorizationServer,
    DjangoOauthToolkit,
    OidcProvider,
}

impl PresetName {
    /// The name as written in scenario files.
    pub fn name(self) -> &'static str {
        self.preset().name_text
    }

    /// The table entry for this name.
    pub fn preset(self) -> &'static Preset {
        PRESETS
            .iter()
            .find(|p| p.name == self)
            .expect("every preset name has a table entry (tested)")
    }

    /// The preset called `text`, as a scenario file would spell it.
    pub fn parse(text: &str) -> Option<PresetName> {
        PRESETS.iter().find(|p| p.name_text == text).map(|p| p.name)
    }
}

impl std::fmt::Display for PresetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One vendor's documented defaults, mapped onto the `auth` fields.
#[derive(Debug)]
pub struct Preset {
    pub name: PresetName,
    /// `name` as written in files (kept next to the enum so the table reads
    /// alone; a test checks it matches serde's spelling).
    pub name_text: &'static str,
    /// The product, as its vendor names it.
    pub vendor: &'static str,
    /// Which configuration of the product the preset stands for.
    pub setting: &'static str,
    /// Every auth field's value (`preset` itself is `None` here).
    pub auth: Auth,
    /// Public documentation the values come from.
    pub sources: &'static [Source],
    /// One entry per auth field: where its value comes from.
    pub basis: &'static [Basis],
    /// What the vendor does that the model has no field for.
    pub cannot_express: &'static [&'static str],
}

impl Preset {
    /// The resolved auth block of a scenario that writes only this preset.
    pub fn resolved(&self) -> Auth {
        Auth {
            preset: Some(self.name),
            ..self.auth.clone()
        }
    }

    /// The values of [`SUMMARY_FIELDS`], as a scenario file writes them
    /// (durations and enum names without quotes).
    pub fn summary_cells(&self) -> Vec<String> {
        let values = field_values(&self.auth);
        SUMMARY_FIELDS
            .iter()
            .map(|field| {
                values
                    .iter()
                    .find(|(name, _)| name == field)
                    .map(|(_, value)| value.trim_matches('"').to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The basis entry for one auth field.
    pub fn basis_of(&self, field: &str) -> Option<&'static Basis> {
        self.basis.iter().find(|b| b.field == field)
    }
}

/// A page of public documentation and what it says, in our words.
#[derive(Debug)]
pub struct Source {
    pub url: &'static str,
    pub says: &'static str,
}

/// Why one field of a preset has its value.
#[derive(Debug)]
pub struct Basis {
    pub field: &'static str,
    pub origin: Origin,
    /// The reasoning, in one or two sentences.
    pub why: &'static str,
}

/// How firmly a preset value is grounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The vendor's documentation states it (see the preset's sources).
    Documented,
    /// The documentation is silent; the value is the conservative choice.
    Undocumented,
    /// Seen on a running server by this repository's probe tests.
    Observed,
    /// The field has no effect with this preset's other values (for
    /// example `reuse` without rotation); the value is the model default.
    NotApplicable,
}

impl Origin {
    /// The word used in tables.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Documented => "documented",
            Origin::Undocumented => "undocumented, conservative",
            Origin::Observed => "observed on a running server",
            Origin::NotApplicable => "not applicable",
        }
    }
}

/// The fields shown in one-line-per-preset tables (`tokenrace presets`,
/// the summary in docs/presets.md); a preset's page shows all of them.
/// They are the first nine of [`AUTH_FIELDS`], the format's core fields.
pub const SUMMARY_FIELDS: &[&str] = AUTH_FIELDS.split_at(9).0;

/// The auth fields a preset sets, in the format's order (`preset` aside).
/// A test checks this against what [`Auth`] serialises, so a new field
/// cannot be forgotten here, in [`AuthFields`] or in a preset's basis.
pub const AUTH_FIELDS: [&str; 14] = [
    "access_ttl",
    "refresh_ttl",
    "refresh_expiry",
    "rotation",
    "grace",
    "grace_returns",
    "reuse",
    "denylist",
    "refresh_error",
    "grace_scope",
    "grace_uses",
    "grace_until_used",
    "atomic_rotation",
    "commit_latency",
];

/// Every auth field with its value as a scenario file would write it (JSON
/// text), in [`AUTH_FIELDS`] order. Derived from serde, so a value reads
/// exactly as a file would spell it.
pub fn field_values(auth: &Auth) -> Vec<(String, String)> {
    let value = serde_json::to_value(auth).unwrap_or_default();
    AUTH_FIELDS
        .iter()
        .map(|field| {
            let text = value.get(*field).map(|v| v.to_string()).unwrap_or_default();
            (field.to_string(), text)
        })
        .collect()
}

/// The `auth` block as written in a file: every field optional, so the merge
/// can tell a written value from an absent one. Serde reads this and turns
/// it into an [`Auth`] (`#[serde(from = "AuthFields")]`); field names,
/// spelling and `deny_unknown_fields` must match [`Auth`] (tested).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthFields {
    #[serde(default)]
    preset: Option<PresetName>,
    #[serde(default, deserialize_with = "written")]
    access_ttl: Option<Duration>,
    #[serde(default, deserialize_with = "written")]
    refresh_ttl: Option<Duration>,
    #[serde(default, deserialize_with = "written")]
    refresh_expiry: Option<RefreshExpiry>,
    #[serde(default, deserialize_with = "written")]
    rotation: Option<bool>,
    #[serde(default, deserialize_with = "written")]
    grace: Option<Duration>,
    #[serde(default, deserialize_with = "written")]
    grace_returns: Option<GraceReturns>,
    #[serde(default, deserialize_with = "written")]
    reuse: Option<Reuse>,
    #[serde(default, deserialize_with = "written")]
    denylist: Option<bool>,
    #[serde(default, deserialize_with = "written")]
    refresh_error: Option<u16>,
    #[serde(default, deserialize_with = "written")]
    grace_scope: Option<GraceScope>,
    /// `Some(None)` is an explicit `null` (no limit), which must override a
    /// preset's limit; `None` is an absent field.
    #[serde(default, deserialize_with = "written")]
    grace_uses: Option<Option<u32>>,
    #[serde(default, deserialize_with = "written")]
    grace_until_used: Option<bool>,
    #[serde(default, deserialize_with = "written")]
    atomic_rotation: Option<bool>,
    #[serde(default, deserialize_with = "written")]
    commit_latency: Option<[Duration; 2]>,
}

/// A field that is present in the file, whatever its value (even `null`).
fn written<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl From<AuthFields> for Auth {
    /// Preset values first (or the format's defaults), then written fields.
    fn from(written: AuthFields) -> Auth {
        let mut auth = match written.preset {
            Some(name) => name.preset().resolved(),
            None => Auth::default(),
        };
        macro_rules! overlay {
            ($($field:ident),*) => {
                $(if let Some(value) = written.$field { auth.$field = value; })*
            };
        }
        overlay!(
            access_ttl,
            refresh_ttl,
            refresh_expiry,
            rotation,
            grace,
            grace_returns,
            reuse,
            denylist,
            refresh_error,
            grace_scope,
            grace_uses,
            grace_until_used,
            atomic_rotation,
            commit_latency
        );
        auth
    }
}

#[cfg(test)]
mod tests;
