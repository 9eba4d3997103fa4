//! How a voter file is packed: plain text, gzip (a `.gz` file), or a zip archive holding
//! one data member (North Carolina publishes each county as `ncvoter32.zip` with
//! `ncvoter32.txt` inside). The packing is read from the file's first bytes — `1f 8b` for
//! gzip, `PK\x03\x04` for zip — never from its name, so a renamed file or a lead's upload
//! whose name was lost opens all the same.
//!
//! Everything is streamed: gzip through flate2's decoder, a zip member through the `zip`
//! crate's reader (the archive's directory is at its end, so a zip needs a file it can seek
//! in: the command line's file, or the API's upload spooled to its private folder). What a
//! file unpacks to is capped ([`MAX_UNPACKED_BYTES`]): past it the read fails, and as the
//! import runs in one transaction nothing of the file is kept.
//!
//! Why the server opens gzip itself although the API already takes `Content-Encoding:
//! gzip`: the command line's files come as they are, and app versions that gzip a `.gz`
//! file once more for the upload are still on phones; the server takes one layer off the
//! request, and this opens the file that was inside.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::reader::Progress;
use super::ImportError;

/// The most a voter file may unpack to: 8 GiB, as much as the API takes (about 20 million
/// rows; North Carolina's statewide file is under 5 GiB).
pub const MAX_UNPACKED_BYTES: u64 = 8 << 30;

/// The extensions of a zip member that is a voter file.
const DATA_EXTENSIONS: [&str; 3] = ["txt", "csv", "tsv"];

/// How the file was packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packing {
    Plain,
    Gzip,
    /// A zip archive; the member read.
    Zip {
        member: String,
    },
}

/// Why a packed file cannot be read. Each leaves the campaign as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PackingError {
    #[error(
        "the zip archive holds no voter file (a .txt, .csv or .tsv file); it holds: {names}. \
         Zip the voter file itself, or import it unzipped"
    )]
    NoDataMember { names: String },
    #[error(
        "the zip archive holds several voter files ({names}); import them one at a time, \
         each in its own zip or unzipped"
    )]
    SeveralMembers { names: String },
    #[error(
        "{name} in the zip archive is encrypted; unzip it with its password and import the \
         file that comes out"
    )]
    Encrypted { name: String },
    #[error(
        "the file unpacks to more than {limit_gib} GiB, more than a voter file can be; \
         check that it is the right file, or split it by county"
    )]
    TooLarge { limit_gib: u64 },
    #[error("the zip archive cannot be read ({detail}); download it again, or unzip it and import the file inside")]
    BadZip { detail: String },
}

impl PackingError {
    /// Why the packed file cannot be read, in `lang` (English is the `Display`).
    pub fn message_in(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        match (lang, self) {
            (Lang::En, e) => e.to_string(),
            (Lang::Es, PackingError::NoDataMember { names }) => format!(
                "el archivo zip no contiene ningún archivo de votantes (un archivo .txt, .csv o \
                 .tsv); contiene: {names}. Comprima el archivo de votantes mismo, o impórtelo \
                 sin comprimir"
            ),
            (Lang::Es, PackingError::SeveralMembers { names }) => format!(
                "el archivo zip contiene varios archivos de votantes ({names}); impórtelos de uno \
                 en uno, cada uno en su propio zip o sin comprimir"
            ),
            (Lang::Es, PackingError::Encrypted { name }) => format!(
                "{name} en el archivo zip está cifrado; descomprímalo con su contraseña e \
                 importe el archivo que sale"
            ),
            (Lang::Es, PackingError::TooLarge { limit_gib }) => format!(
                "el archivo descomprimido pasa de {limit_gib} GiB, más de lo que puede ser un \
                 archivo de votantes; revise que sea el archivo correcto, o divídalo por condado"
            ),
            (Lang::Es, PackingError::BadZip { detail }) => format!(
                "no se puede leer el archivo zip ({detail}); descárguelo otra vez, o \
                 descomprímalo e importe el archivo que contiene"
            ),
        }
    }
}

/// A file opened for reading: its data, unpacked as it is read.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    pub packing: Packing,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("packing", &self.packing)
            .finish_non_exhaustive()
    }
}

/// Counts the bytes read from the file as stored (compressed, when it is), so the progress
/// bar compares like with like: bytes read against the file's size.
struct Counting<R> {
    inner: R,
    progress: Option<Arc<Progress>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.bytes.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Fails the read once more than `limit` bytes came out (a zip or gzip bomb, or a
/// member whose sizes lie).
struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(PackingError::TooLarge {
                limit_gib: gib(self.limit),
            }));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn gib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 30)
}

fn capped<R: Read + Send + 'static>(inner: R, limit: u64) -> Box<dyn Read + Send> {
    Box::new(Capped {
        inner,
        left: limit,
        limit,
    })
}

/// Open `file`, unpacking gzip or a zip member, counting the stored bytes read into
/// `progress`, and refusing more than `limit` unpacked bytes.
pub fn open(
    mut file: File,
    limit: u64,
    progress: Option<Arc<Progress>>,
) -> Result<Opened, ImportError> {
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut file, &mut magic)?;
    file.seek(SeekFrom::Start(0))?;
    let counted = Counting {
        inner: file,
        progress,
    };
    match &magic[..got] {
        [0x1f, 0x8b, ..] => Ok(Opened {
            reader: capped(
                flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counted)),
                limit,
            ),
            packing: Packing::Gzip,
        }),
        b"PK\x03\x04" => open_zip(counted, limit),
        _ => Ok(Opened {
            reader: capped(counted, limit),
            packing: Packing::Plain,
        }),
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

fn bad_zip(e: zip::result::ZipError) -> ImportError {
    ImportError::Packing(PackingError::BadZip {
        detail: e.to_string(),
    })
}

/// A member that is not data: folders, and the `__MACOSX/` and `._name` copies of file
/// attributes that a Mac's "Compress" adds beside every file.
fn is_clutter(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.ends_with('/') || name.starts_with("__MACOSX/") || base.starts_with("._")
}

fn is_data(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        DATA_EXTENSIONS
            .iter()
            .any(|want| ext.eq_ignore_ascii_case(want))
    })
}

/// Names for a sentence: quoted, at most ten, and how many more.
fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "nothing".into();
    }
    let mut shown: Vec<String> = names.iter().take(10).map(|n| format!("\"{n}\"")).collect();
    if names.len() > 10 {
        shown.push(format!("{} more", names.len() - 10));
    }
    shown.join(", ")
}

/// The one data member of the archive, checked, streamed from a thread of its own.
fn open_zip(file: Counting<File>, limit: u64) -> Result<Opened, ImportError> {
    let mut archive = zip::ZipArchive::new(file).map_err(bad_zip)?;
    let mut others = Vec::new();
    let mut data = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i).map_err(bad_zip)?;
        let name = entry.name().map_err(bad_zip)?.into_owned();
        if is_clutter(&name) || entry.is_dir() {
            continue;
        }
        if is_data(&name) {
            data.push((i, name, entry.encrypted(), entry.size()));
        } else {
            others.push(name);
        }
    }
    let (index, name, encrypted, size) = match data.len() {
        0 => {
            return Err(ImportError::Packing(PackingError::NoDataMember {
                names: list(&others),
            }))
        }
        1 => data.remove(0),
        _ => {
            let names: Vec<String> = data.into_iter().map(|(_, n, _, _)| n).collect();
            return Err(ImportError::Packing(PackingError::SeveralMembers {
                names: list(&names),
            }));
        }
    };
    if encrypted {
        return Err(ImportError::Packing(PackingError::Encrypted { name }));
    }
    if size > limit {
        return Err(ImportError::Packing(PackingError::TooLarge {
            limit_gib: gib(limit),
        }));
    }
    // Open the member here, so an unsupported compression method is refused before the
    // import starts.
    drop(archive.by_index(index).map_err(bad_zip)?);
    let reader = Pipe::spawn(move |tx| {
        let mut member = match archive.by_index(index) {
            Ok(member) => member,
            Err(e) => {
                let _ = tx.send(Err(std::io::Error::other(e)));
                return;
            }
        };
        pump(&mut member, &tx);
    })?;
    Ok(Opened {
        reader: capped(reader, limit),
        packing: Packing::Zip { member: name },
    })
}

const CHUNK: usize = 64 * 1024;

/// Copy `from` into the pipe in chunks until its end, an error, or the reader goes away.
fn pump(from: &mut impl Read, tx: &SyncSender<std::io::Result<Vec<u8>>>) {
    loop {
        let mut buf = vec![0u8; CHUNK];
        match from.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                buf.truncate(n);
                if tx.send(Ok(buf)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

/// A zip member read on its own thread and handed over in chunks through a bounded
/// channel: the `zip` crate's member reader borrows its archive, and the voter reader
/// needs a reader it owns. At most four chunks wait, so memory stays flat.
struct Pipe {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    at: usize,
    done: bool,
}

impl Pipe {
    fn spawn(
        work: impl FnOnce(SyncSender<std::io::Result<Vec<u8>>>) + Send + 'static,
    ) -> std::io::Result<Pipe> {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        std::thread::Builder::new()
            .name("zip-member".into())
            .spawn(move || work(tx))?;
        Ok(Pipe {
            rx,
            chunk: Vec::new(),
            at: 0,
            done: false,
        })
    }
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The thread finished: the member's end.
                Err(_) => self.done = true,
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> File {
        let mut f = tempfile::tempfile().expect("temp file");
        f.write_all(bytes).expect("write");
        f.seek(SeekFrom::Start(0)).expect("seek");
        f
    }

    fn read_all(opened: Opened) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut reader = opened.reader;
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn plain_and_gzip_are_told_by_their_first_bytes() {
        let text = b"ncid\tlast_name\nAA1\tGARCIA\n";
        let plain = open(file_with(text), 1 << 20, None).expect("plain");
        assert_eq!(plain.packing, Packing::Plain);
        assert_eq!(read_all(plain).expect("read"), text);

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text).expect("gzip");
        let gz = gz.finish().expect("gzip");
        let progress = Arc::new(Progress::default());
        let opened = open(file_with(&gz), 1 << 20, Some(progress.clone())).expect("gzip");
        assert_eq!(opened.packing, Packing::Gzip);
        assert_eq!(read_all(opened).expect("read"), text);
        assert_eq!(
            progress.bytes.load(Ordering::Relaxed),
            gz.len() as u64,
            "progress counts the bytes as stored"
        );
    }

    #[test]
    fn unpacking_past_the_limit_fails_the_read() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; 100_000]).expect("gzip");
        let gz = gz.finish().expect("gzip");
        let opened = open(file_with(&gz), 10_000, None).expect("gzip");
        let err = read_all(opened).expect_err("over the limit");
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<PackingError>());
        assert_eq!(inner, Some(&PackingError::TooLarge { limit_gib: 1 }));
        // A plain file is held to the same limit.
        let opened = open(file_with(&vec![b'a'; 20_000]), 10_000, None).expect("plain");
        assert!(read_all(opened).is_err());
        // Exactly at the limit is fine.
        let opened = open(file_with(&vec![b'a'; 10_000]), 10_000, None).expect("plain");
        assert_eq!(read_all(opened).expect("read").len(), 10_000);
    }

    #[test]
    fn clutter_and_data_members() {
        assert!(is_clutter("__MACOSX/._ncvoter32.txt"));
        assert!(is_clutter("folder/._ncvoter32.txt"));
        assert!(is_clutter("folder/"));
        assert!(!is_clutter("folder/ncvoter32.txt"));
        assert!(is_data("ncvoter32.txt") && is_data("a/B.CSV") && is_data("x.tsv"));
        assert!(!is_data("layout_ncvoter.pdf") && !is_data("README"));
        let many: Vec<String> = (0..12).map(|i| format!("f{i}.pdf")).collect();
        assert!(
            list(&many).ends_with("\"f9.pdf\", 2 more"),
            "{}",
            list(&many)
        );
    }
}
