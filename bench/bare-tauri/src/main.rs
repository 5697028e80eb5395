//! A bare Tauri 2 app: the UI's first call prints the time since the process started and the app exits,
//! as btlp-app does under `BTLP_STARTUP_PROBE=1`.
use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

#[tauri::command]
fn ready(app: tauri::AppHandle) {
    if let Some(start) = STARTED.get() {
        println!("btlp-startup-ms {:.1}", start.elapsed().as_secs_f64() * 1000.0);
    }
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        app.exit(0);
    });
}

fn main() {
    let _ = STARTED.set(Instant::now());
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the bare app runs");
}
