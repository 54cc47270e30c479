//! Chained setters on the scenario's section types, so a builder closure
//! reads like the JSON it replaces: `.auth(|a| a.rotation(true).grace(ms(0)))`.
//! Each setter only assigns its field; validation happens in `build()`.

use crate::scenario::{
    Auth, Client, Duration, Explore, ExploreMode, GraceReturns, Network, RefreshExpiry,
    RefreshStrategy, Resource, Reuse, Storage, StorePolicy,
};

/// Chained setters for the core auth fields (docs/scenario-format.md "auth").
impl Auth {
    pub fn access_ttl(mut self, ttl: Duration) -> Auth {
        self.access_ttl = ttl;
        self
    }
    pub fn refresh_ttl(mut self, ttl: Duration) -> Auth {
        self.refresh_ttl = ttl;
        self
    }
    pub fn refresh_expiry(mut self, expiry: RefreshExpiry) -> Auth {
        self.refresh_expiry = expiry;
        self
    }
    pub fn rotation(mut self, on: bool) -> Auth {
        self.rotation = on;
        self
    }
    pub fn grace(mut self, grace: Duration) -> Auth {
        self.grace = grace;
        self
    }
    pub fn grace_returns(mut self, returns: GraceReturns) -> Auth {
        self.grace_returns = returns;
        self
    }
    pub fn reuse(mut self, reuse: Reuse) -> Auth {
        self.reuse = reuse;
        self
    }
    pub fn denylist(mut self, on: bool) -> Auth {
        self.denylist = on;
        self
    }
    pub fn refresh_error(mut self, status: u16) -> Auth {
        self.refresh_error = status;
        self
    }
}

/// Chained setters for the resource server.
impl Resource {
    pub fn leeway(mut self, leeway: Duration) -> Resource {
        self.leeway = leeway;
        self
    }
    pub fn check_denylist(mut self, on: bool) -> Resource {
        self.check_denylist = on;
        self
    }
}

/// Chained setters for the network.
impl Network {
    /// The `[min, max]` latency of every link.
    pub fn latency(mut self, min: Duration, max: Duration) -> Network {
        self.latency = [min, max];
        self
    }
    /// Overrides one link's latency; `link` is a name such as `client->auth`.
    pub fn link(mut self, link: &str, min: Duration, max: Duration) -> Network {
        self.links.entry(link.to_string()).or_default().latency = Some([min, max]);
        self
    }
    pub fn drop(mut self, probability: f64) -> Network {
        self.drop = probability;
        self
    }
    pub fn duplicate(mut self, probability: f64) -> Network {
        self.duplicate = probability;
        self
    }
}

/// Chained setters for exploration settings.
impl Explore {
    pub fn mode(mut self, mode: ExploreMode) -> Explore {
        self.mode = mode;
        self
    }
    pub fn runs(mut self, runs: u64) -> Explore {
        self.runs = runs;
        self
    }
    pub fn max_states(mut self, states: u64) -> Explore {
        self.max_states = states;
        self
    }
    pub fn max_depth(mut self, depth: u64) -> Explore {
        self.max_depth = depth;
        self
    }
    pub fn max_faults(mut self, faults: u32) -> Explore {
        self.max_faults = faults;
        self
    }
}

/// Chained setters for a client (docs/scenario-format.md "clients").
impl Client {
    /// A client with every default: naive, `local_storage`, one retry.
    pub fn new(name: &str) -> Client {
        Client::named(name)
    }
    /// Tabs with the same device and a shared storage kind share one store.
    pub fn device(mut self, device: &str) -> Client {
        self.device = Some(device.to_string());
        self
    }
    pub fn storage(mut self, storage: Storage) -> Client {
        self.storage = storage;
        self
    }
    pub fn refresh(mut self, strategy: RefreshStrategy) -> Client {
        self.refresh = strategy;
        self
    }
    /// Refresh on a timer this long before the access token expires.
    pub fn proactive(mut self, lead: Duration) -> Client {
        self.proactive = Some(lead);
        self
    }
    pub fn retries(mut self, retries: u32) -> Client {
        self.retries = retries;
        self
    }
    pub fn recheck_store(mut self, on: bool) -> Client {
        self.recheck_store = on;
        self
    }
    pub fn store_policy(mut self, policy: StorePolicy) -> Client {
        self.store_policy = policy;
        self
    }
}
