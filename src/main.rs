fn main() -> std::process::ExitCode {
    chainrisk::cli::main()
}
