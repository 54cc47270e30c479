//! The client part of the format (docs/scenario-format.md "clients"): an app instance and
//! the strategies it refreshes and stores tokens with. Its own file because
//! every (v1.1) client field lands here, and the model reads only this part
//! to build its clients.

use super::Duration;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One app instance: a browser tab, a mobile app, a device (docs/scenario-format.md "clients").
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Unique; ASCII letters, digits, `_` and `-` (it is part of actor names
    /// such as `tab1.req2`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub name: String,
    /// Tabs on one device with a shared storage kind share one token store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default = "super::defaults::storage")]
    pub storage: Storage,
    #[serde(default = "super::defaults::refresh")]
    pub refresh: RefreshStrategy,
    #[serde(default)]
    pub proactive: Option<Duration>,
    #[serde(default = "super::defaults::retries")]
    pub retries: u32,
    #[serde(default)]
    pub recheck_store: bool,
    #[serde(default = "super::defaults::store_policy")]
    pub store_policy: StorePolicy,
    #[serde(default = "super::defaults::reads_rt")]
    pub reads_rt: ReadsRt,
    #[serde(default = "super::defaults::on_refresh_failure")]
    pub on_refresh_failure: OnRefreshFailure,
    #[serde(default)]
    pub timeout: Option<Duration>,
    /// Resends of a timed-out refresh with the same RT (at most 254).
    #[serde(default)]
    #[schemars(range(max = 254))]
    pub refresh_retries: u32,
    #[serde(default = "super::defaults::after_logout")]
    pub after_logout: AfterLogout,
    /// Before a call with a stored AT, compare its `exp` with the client's
    /// own clock (skew included) and refresh first if it has passed.
    #[serde(default)]
    pub preflight: bool,
}

impl Client {
    /// The device name, defaulting to the client's own name (docs/scenario-format.md).
    pub fn device_name(&self) -> &str {
        self.device.as_deref().unwrap_or(&self.name)
    }

    /// A client with every default, for tests and the builder API.
    pub fn named(name: &str) -> Client {
        Client {
            name: name.to_string(),
            device: None,
            storage: super::defaults::storage(),
            refresh: super::defaults::refresh(),
            proactive: None,
            retries: super::defaults::retries(),
            recheck_store: false,
            store_policy: super::defaults::store_policy(),
            reads_rt: super::defaults::reads_rt(),
            on_refresh_failure: super::defaults::on_refresh_failure(),
            timeout: None,
            refresh_retries: 0,
            after_logout: super::defaults::after_logout(),
            preflight: false,
        }
    }
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    Memory,
    LocalStorage,
    Cookie,
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum RefreshStrategy {
    Naive,
    SingleFlight,
    CrossTab,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StorePolicy {
    LastWriteWins,
    NewestWins,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ReadsRt {
    AtRefresh,
    AtRequest,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OnRefreshFailure {
    Keep,
    Clear,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum AfterLogout {
    Discard,
    Store,
}
