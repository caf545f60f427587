fn main() {
    std::process::exit(cofnod::cli::run());
}
