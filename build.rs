//! Records what the extension was built against, so `MesChain\Engine::buildInfo()` and the
//! admin's requirements check can tell a shop owner when the loaded PHP differs from the one the
//! extension was compiled for (a different PHP API or thread-safety variant will not load).
//! ext-php-rs's own build script does the actual PHP discovery (PHP / PHP_CONFIG env vars).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PHP");
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    println!("cargo:rerun-if-changed=build.rs");

    let php_config = std::env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".to_string());
    let query = |flag: &str| -> String {
        Command::new(&php_config)
            .arg(flag)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "unknown".to_string())
    };
    println!("cargo:rustc-env=MESCHAIN_PHP_API={}", query("--phpapi"));
    println!(
        "cargo:rustc-env=MESCHAIN_PHP_VERSION={}",
        query("--version")
    );

    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=MESCHAIN_GIT_COMMIT={commit}");
    let profile = std::env::var("PROFILE").unwrap_or_default();
    println!("cargo:rustc-env=MESCHAIN_BUILD_PROFILE={profile}");
}
