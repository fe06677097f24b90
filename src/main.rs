fn main() {
    std::process::exit(quantlab::cli::main());
}
