use std::process::ExitCode;

fn main() -> ExitCode {
    tokenrace::cli::main()
}
