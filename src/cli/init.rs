use super::Code;
#[derive(Debug, clap::Args)]
pub struct Args {}
pub fn execute(_: &Args) -> Code {
    Code::Clean
}
