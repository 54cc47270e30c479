//! The model's view of a validated scenario: durations in milliseconds,
//! clients resolved to their store, device and single-flight scope, links
//! resolved to windows. Built once; handlers only read it.

use super::msg::{Caller, Msg, Refresher, RequestId};
use crate::engine::{Link, Millis, Window};
use crate::scenario::{
    self, AfterLogout, OnRefreshFailure, ReadsRt, RefreshStrategy, Scenario, Step, Storage,
};

/// One client's settings with its shared resources resolved.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub name: String,
    pub store: u8,
    pub device: u8,
    /// Single-flight scope: the client itself, or its device for cross_tab.
    pub scope: Option<u8>,
    pub strategy: RefreshStrategy,
    pub proactive: Option<Millis>,
    pub retries: u8,
    pub recheck_store: bool,
    pub newest_wins: bool,
    /// An XSS attacker can read this storage (not an HttpOnly cookie).
    pub readable: bool,
    /// Which RT a request's refresh presents (docs/scenario-format.md `reads_rt`).
    pub reads_rt: ReadsRt,
    /// What a failed refresh does to the store.
    pub on_refresh_failure: OnRefreshFailure,
    /// An API call or refresh with no answer after this long fails.
    pub timeout: Option<Millis>,
    /// Resends of a timed-out refresh, with the same RT.
    pub refresh_retries: u8,
    /// What a refresh answer arriving after logout does.
    pub after_logout: AfterLogout,
    /// Before a call with a stored AT, refresh first if the client's clock
    /// says it has expired (docs/scenario-format.md "clients", `preflight`).
    pub preflight: bool,
}

/// The protocol built from one scenario; implements `engine::Protocol`.
#[derive(Clone, Debug)]
pub struct Model {
    pub scenario: Scenario,
    pub clients: Vec<ClientConfig>,
    pub store_count: usize,
    pub scope_count: usize,
    pub script: Vec<(Millis, Step)>,
    pub horizon: Millis,
    pub links: [Link; 8],
    /// The virtual link `auth->auth` a non-atomic refresh's commit travels
    /// on: window `auth.commit_latency`, never dropped or duplicated (it is
    /// not a network message).
    pub commit_link: Link,
    pub access_ttl: Millis,
    pub refresh_ttl: Millis,
    pub grace: Millis,
    pub leeway: Millis,
    /// Proactive and preflight timers need the issue time of every AT.
    pub marks_needed: bool,
    /// A negative skew can move a client timer past the AT's expiry, so
    /// issue marks must outlive it.
    pub keep_marks: bool,
    pub attacker_window: Option<Millis>,
    /// Symmetry reduction in exhaustive search (`symmetry.rs`); on unless
    /// a caller turns it off to cross-check it.
    pub symmetry: bool,
    /// Forget a finished request's dead data (`dead.rs`); on unless a
    /// caller turns it off to cross-check it.
    pub forget_dead: bool,
    /// The classes of interchangeable clients per semantics, found on
    /// first use (`client_symmetry`): a function of `clients`, which
    /// nothing changes after `Model::new`, and every windowed key asked
    /// for it again.
    pub(super) client_classes: [std::sync::OnceLock<Vec<Vec<usize>>>; 2],
}

/// The link names of docs/scenario-format.md, in a fixed order (index into `Model::links`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkName {
    ClientResource,
    ResourceClient,
    ClientAuth,
    AuthClient,
    ResourceDenylist,
    DenylistResource,
    AuthDenylist,
    DenylistAuth,
}

impl LinkName {
    pub const ALL: [(LinkName, &'static str); 8] = [
        (LinkName::ClientResource, "client->resource"),
        (LinkName::ResourceClient, "resource->client"),
        (LinkName::ClientAuth, "client->auth"),
        (LinkName::AuthClient, "auth->client"),
        (LinkName::ResourceDenylist, "resource->denylist"),
        (LinkName::DenylistResource, "denylist->resource"),
        (LinkName::AuthDenylist, "auth->denylist"),
        (LinkName::DenylistAuth, "denylist->auth"),
    ];

    /// The network link a message travels on; attacker traffic uses the
    /// client links. `None` for the auth server's commit to itself, which
    /// travels on the virtual link `auth->auth` ([`Model::commit_link`]).
    pub fn of(msg: &Msg) -> Option<LinkName> {
        Some(match msg {
            Msg::Api { .. } => LinkName::ClientResource,
            Msg::ApiReply { .. } => LinkName::ResourceClient,
            Msg::DenyCheck { .. } => LinkName::ResourceDenylist,
            Msg::DenyReply { .. } => LinkName::DenylistResource,
            Msg::Refresh { .. } | Msg::Logout { .. } => LinkName::ClientAuth,
            Msg::RefreshOk { .. } | Msg::RefreshErr { .. } => LinkName::AuthClient,
            Msg::Deny { .. } => LinkName::AuthDenylist,
            Msg::Commit { .. } => return None,
        })
    }
}

fn window(pair: [scenario::Duration; 2]) -> Window {
    Window {
        min: pair[0].millis(),
        max: pair[1].millis(),
    }
}

/// Index of `key` in `keys`, appending it when new (stable first-seen order).
fn intern(keys: &mut Vec<String>, key: String) -> u8 {
    match keys.iter().position(|k| *k == key) {
        Some(i) => u8::try_from(i).expect("validated: at most 255 clients"),
        None => {
            keys.push(key);
            u8::try_from(keys.len() - 1).expect("validated: at most 255 clients")
        }
    }
}

impl Model {
    /// Builds the model of a scenario that `scenario::validate` accepted.
    pub fn build(s: &Scenario) -> Model {
        let (mut stores, mut devices, mut scopes) = (Vec::new(), Vec::new(), Vec::new());
        let clients = s
            .clients
            .iter()
            .map(|c| {
                let device = c.device_name().to_string();
                let store_key = match c.storage {
                    Storage::Memory => format!("memory:{}", c.name),
                    Storage::LocalStorage => format!("local_storage:{device}"),
                    Storage::Cookie => format!("cookie:{device}"),
                };
                let scope = match c.refresh {
                    RefreshStrategy::Naive => None,
                    RefreshStrategy::SingleFlight => {
                        Some(intern(&mut scopes, format!("client:{}", c.name)))
                    }
                    RefreshStrategy::CrossTab => {
                        Some(intern(&mut scopes, format!("device:{device}")))
                    }
                };
                ClientConfig {
                    name: c.name.clone(),
                    store: intern(&mut stores, store_key),
                    device: intern(&mut devices, device),
                    scope,
                    strategy: c.refresh,
                    proactive: c.proactive.map(|d| d.millis()),
                    retries: u8::try_from(c.retries).expect("validated: retries ≤ 255"),
                    recheck_store: c.recheck_store,
                    newest_wins: c.store_policy == scenario::StorePolicy::NewestWins,
                    readable: c.storage != Storage::Cookie,
                    reads_rt: c.reads_rt,
                    on_refresh_failure: c.on_refresh_failure,
                    timeout: c.timeout.map(|d| d.millis()),
                    refresh_retries: u8::try_from(c.refresh_retries)
                        .expect("validated: refresh_retries ≤ 254"),
                    after_logout: c.after_logout,
                    preflight: c.preflight,
                }
            })
            .collect::<Vec<_>>();
        let script = s
            .script
            .iter()
            .map(|a| (a.at.millis(), a.step(&s.clients)))
            .collect::<Vec<_>>();
        let keep_marks = script
            .iter()
            .any(|(_, st)| matches!(st, Step::Skew { by_ms, .. } if *by_ms < 0));
        Model {
            links: Self::links(&s.network),
            commit_link: Link {
                latency: window(s.auth.commit_latency),
                drop: 0.0,
                duplicate: 0.0,
            },
            marks_needed: clients.iter().any(|c| c.proactive.is_some() || c.preflight),
            keep_marks,
            clients,
            store_count: stores.len(),
            scope_count: scopes.len(),
            script,
            horizon: s.horizon.millis(),
            access_ttl: s.auth.access_ttl.millis(),
            refresh_ttl: s.auth.refresh_ttl.millis(),
            grace: s.auth.grace.millis(),
            leeway: s.resource.leeway.millis(),
            attacker_window: s.bounds.attacker_window.map(|d| d.millis()),
            symmetry: true,
            forget_dead: true,
            client_classes: Default::default(),
            scenario: s.clone(),
        }
    }

    fn links(n: &scenario::Network) -> [Link; 8] {
        LinkName::ALL.map(|(_, name)| {
            let o = n.links.get(name);
            Link {
                latency: window(o.and_then(|o| o.latency).unwrap_or(n.latency)),
                drop: o.and_then(|o| o.drop).unwrap_or(n.drop),
                duplicate: o.and_then(|o| o.duplicate).unwrap_or(n.duplicate),
            }
        })
    }

    /// `tab1.req2`: the actor name of a request.
    pub fn request_name(&self, id: RequestId) -> String {
        format!("{}.req{}", self.clients[id.client as usize].name, id.number)
    }

    /// The actor name of an API caller.
    pub fn caller_name(&self, caller: Caller) -> String {
        match caller {
            Caller::Attacker(n) => format!("attacker.call{n}"),
            Caller::Request(r) => self.request_name(r),
        }
    }

    /// The actor name of a refresher.
    pub fn refresher_name(&self, who: Refresher) -> String {
        match who {
            Refresher::Attacker(n) => format!("attacker.refresh{n}"),
            Refresher::Proactive(c, n) => {
                format!("{}.proactive{n}", self.clients[c as usize].name)
            }
            Refresher::Request(r) => self.request_name(r),
            resend @ (Refresher::RequestResend(..) | Refresher::ProactiveResend(..)) => {
                self.refresher_name(resend.origin())
            }
        }
    }

    /// Sender and receiver actor names of a message.
    pub fn endpoints_of(&self, msg: &Msg) -> (String, String) {
        let to = |name: &str| name.to_string();
        match *msg {
            Msg::Api { from, .. } => (self.caller_name(from), to("resource")),
            Msg::ApiReply { to: c, .. } => (to("resource"), self.caller_name(c)),
            Msg::DenyCheck { .. } => (to("resource"), to("denylist")),
            Msg::DenyReply { .. } => (to("denylist"), to("resource")),
            Msg::Refresh { from, .. } => (self.refresher_name(from), to("auth")),
            Msg::RefreshOk { to: r, .. } | Msg::RefreshErr { to: r, .. } => {
                (to("auth"), self.refresher_name(r))
            }
            Msg::Logout { client, .. } => (
                format!("{}.logout", self.clients[client as usize].name),
                to("auth"),
            ),
            Msg::Deny { .. } => (to("auth"), to("denylist")),
            Msg::Commit { .. } => (to("auth"), to("auth")),
        }
    }
}
