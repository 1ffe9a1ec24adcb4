//! The `activation-journal` binary: parse the command line, call the library.

fn main() -> std::process::ExitCode {
    activation_journal::cli::main()
}
