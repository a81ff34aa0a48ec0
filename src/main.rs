fn main() -> std::process::ExitCode {
    pmoc::run()
}
