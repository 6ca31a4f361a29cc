mod out_of_memory;

#[global_allocator]
static ALLOCATOR: out_of_memory::ExitOnFailure = out_of_memory::ExitOnFailure;

fn main() -> std::process::ExitCode {
    chainrisk::cli::main()
}
