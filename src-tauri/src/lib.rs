//! The desktop shell: builds the Tauri application around the web UI in `ui/`.
//!
//! It stays thin on purpose: windows, capabilities and (later) IPC commands live here, every rule lives in
//! the core library. `run_app` takes the builder from outside so a test or another entry point can supply
//! its own.

/// Starts the application with the default builder; returns when the last window closes.
pub fn run() {
    run_app(tauri::Builder::default());
}

/// Starts the application from the given builder.
///
/// Tauri's event loop only returns on exit, and a failure to start it (no display, broken webview) leaves
/// nothing to recover, so that one error ends the process with a message.
pub fn run_app(builder: tauri::Builder<tauri::Wry>) {
    builder
        .run(tauri::generate_context!())
        .expect("failed to start the btlp-commission window (is a display available?)");
}
