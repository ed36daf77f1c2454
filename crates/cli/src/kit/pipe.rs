//! Standard output closed early by the reader is not an error of ours.

/// A reader that closes the pipe early (`tsunagu search … | head`) makes `println!` panic with
/// "Broken pipe". That is not an error of ours: stop quietly, as other Unix tools do.
pub fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
