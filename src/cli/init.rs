//! `tokenrace init [--preset NAME] [--tabs N] [--refresh STRATEGY]
//! [--requests N] [--name NAME]`: print a new scenario for a server and a
//! client setup, ready to edit and `check --bless`: an expired access
//! token meets N calls in every tab. JSON has no comments, so what each
//! part means is written in the scenario's `description`, the format's
//! free-text field; the output always loads and validates (tested).

use super::output::print;
use super::Code;
use crate::scenario::presets::PRESETS;
use crate::scenario::{Auth, Duration};
use clap::builder::PossibleValuesParser;
use clap::ValueEnum;

/// How every tab refreshes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RefreshArg {
    /// Each call that meets a 401 refreshes on its own.
    Naive,
    /// One refresh in flight per tab; the other calls wait for it.
    #[value(alias = "single_flight")]
    SingleFlight,
    /// One refresh in flight across the tabs (a lock in shared storage).
    #[value(alias = "cross_tab")]
    CrossTab,
}

impl RefreshArg {
    fn name(self) -> &'static str {
        match self {
            RefreshArg::Naive => "naive",
            RefreshArg::SingleFlight => "single_flight",
            RefreshArg::CrossTab => "cross_tab",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            RefreshArg::Naive => "each call that meets a 401 refreshes on its own",
            RefreshArg::SingleFlight => {
                "one refresh in flight per tab, the other calls of the tab wait for it"
            }
            RefreshArg::CrossTab => {
                "one refresh in flight across the tabs, through a lock in the shared storage"
            }
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The auth server: a preset (`tokenrace presets` lists them); without
    /// it, the format's defaults (15m access tokens, rotation, reuse
    /// revokes the family).
    #[arg(long, value_name = "NAME",
          value_parser = PossibleValuesParser::new(PRESETS.iter().map(|p| p.name_text)))]
    preset: Option<String>,
    /// Tabs of one browser; two or more share `local_storage`.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=8))]
    tabs: u32,
    /// How every tab refreshes.
    #[arg(long, value_enum, default_value_t = RefreshArg::Naive)]
    refresh: RefreshArg,
    /// Concurrent calls per tab that meet the expired access token
    /// (default: 2 in one tab, 1 per tab with several: the windowed
    /// search grows fast with concurrent calls, docs/performance.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    requests: Option<u32>,
    /// The scenario's `name` (default: from the preset and the setup).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

pub fn execute(args: &Args) -> Code {
    if args.refresh == RefreshArg::CrossTab && args.tabs < 2 {
        return super::usage("--refresh cross_tab needs --tabs 2 or more (a lock shared by tabs)");
    }
    print(&scaffold(args));
    Code::Clean
}

/// The scenario text.
fn scaffold(args: &Args) -> String {
    let requests = args.requests.unwrap_or(if args.tabs == 1 { 2 } else { 1 });
    let preset = args
        .preset
        .as_deref()
        .and_then(|name| PRESETS.iter().find(|p| p.name_text == name));
    let auth = preset.map_or_else(Auth::default, |p| p.resolved());
    let ttl = auth.access_ttl;
    let at = Duration(ttl.0 + 60_000);
    let horizon = Duration(ttl.0 + 5 * 60_000);
    let name = args.name.clone().unwrap_or_else(|| {
        format!(
            "{}-{}-tab{}-{}",
            args.preset.as_deref().unwrap_or("default-auth"),
            args.tabs,
            if args.tabs == 1 { "" } else { "s" },
            args.refresh.name()
        )
    });
    let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let auth_line = match preset {
        Some(p) => format!("{{\"preset\": {}}}", quoted(p.name_text)),
        None => {
            "{\"access_ttl\": \"15m\", \"rotation\": true, \"reuse\": \"revoke_family\"}".into()
        }
    };
    let shared = args.tabs > 1;
    let clients: Vec<String> = (1..=args.tabs)
        .map(|i| {
            let storage = if shared {
                ", \"device\": \"browser\", \"storage\": \"local_storage\""
            } else {
                ""
            };
            format!(
                "    {{\"name\": \"tab{i}\", \"refresh\": {}{storage}}}",
                quoted(args.refresh.name())
            )
        })
        .collect();
    let mut script =
        vec!["    {\"at\": \"0s\", \"do\": \"login\", \"client\": \"tab1\"}".to_string()];
    script.extend((1..=args.tabs).map(|i| {
        format!(
            "    {{\"at\": \"{at}\", \"do\": \"request\", \"client\": \"tab{i}\", \"count\": {requests}}}"
        )
    }));
    let text = format!(
        "{{\n  \"name\": {},\n  \"description\": {},\n  \"seed\": 0,\n  \"horizon\": \"{horizon}\",\n  \"auth\": {auth_line},\n  \"clients\": [\n{}\n  ],\n  \"script\": [\n{}\n  ]\n}}\n",
        quoted(&name),
        quoted(&description(args, preset.map(|p| p.vendor), &auth, (at, requests))),
        clients.join(",\n"),
        script.join(",\n"),
    );
    text
}

/// What each part of the scaffold means, as the scenario's comment.
fn description(
    args: &Args,
    vendor: Option<&str>,
    auth: &Auth,
    (at, requests): (Duration, u32),
) -> String {
    let server = match (args.preset.as_deref(), vendor) {
        (Some(name), Some(vendor)) => format!(
            "auth: {vendor} as the `{name}` preset configures it (`tokenrace presets {name}` shows every value and its source); write a field next to \"preset\" to override one"
        ),
        _ => "auth: the format's defaults, written out: 15m access tokens, rotation, and a reused refresh token revokes the family".to_string(),
    };
    let tabs = if args.tabs == 1 {
        "clients: one tab".to_string()
    } else {
        format!(
            "clients: {} tabs of one browser (device \"browser\") sharing local_storage",
            args.tabs
        )
    };
    format!(
        "Scaffolded by `tokenrace init`. JSON has no comments, so this description says what each part is. {server}. {tabs}, refreshing {}: {}. script: tab1 logs in at 0s; at {at}, one minute after the first access token (rotation {}, access_ttl {}) expired, {} concurrent call{} in every tab meet it. check: every invariant (list some in \"check\" to narrow it). expect: none yet: run `tokenrace check --bless FILE` to write the verdicts reached, then keep the ones you want to hold.",
        args.refresh.name(),
        args.refresh.meaning(),
        auth.rotation,
        auth.access_ttl,
        requests,
        if requests == 1 { "" } else { "s" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::parse;

    fn args(preset: Option<&str>, tabs: u32, refresh: RefreshArg) -> Args {
        Args {
            preset: preset.map(String::from),
            tabs,
            refresh,
            requests: None,
            name: None,
        }
    }

    #[test]
    fn every_preset_and_setup_scaffolds_a_scenario_that_validates() {
        let presets = PRESETS.iter().map(|p| Some(p.name_text)).chain([None]);
        for preset in presets {
            for (tabs, refresh) in [
                (1, RefreshArg::Naive),
                (1, RefreshArg::SingleFlight),
                (3, RefreshArg::Naive),
                (2, RefreshArg::CrossTab),
            ] {
                let text = scaffold(&args(preset, tabs, refresh));
                let loaded = parse(&text, "init.json")
                    .unwrap_or_else(|e| panic!("{preset:?} {tabs} {refresh:?}: {e}\n{text}"));
                assert!(loaded.warnings.is_empty(), "{text}");
                assert_eq!(loaded.scenario.clients.len(), tabs as usize);
                assert!(loaded.scenario.expect.is_empty());
            }
        }
    }
}
