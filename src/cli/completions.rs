//! `tokenrace completions bash|zsh|fish|elvish|powershell`: prints a shell
//! completion script generated from the same clap definition that parses
//! the command line, so completions never drift from the real flags.

use super::output::print;
use super::Code;
use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn execute(args: &Args) -> Code {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tokenrace", &mut script);
    print(&String::from_utf8_lossy(&script));
    Code::Clean
}
