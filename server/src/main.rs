//! `server serve | migrate | seed` — see `server --help`.

fn main() -> std::process::ExitCode {
    server::cli::main()
}
