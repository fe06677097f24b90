mod alloc;

#[global_allocator]
static ALLOC: alloc::HugePages = alloc::HugePages;

fn main() {
    std::process::exit(quantlab::cli::main());
}
