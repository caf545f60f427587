//! Exports from case management systems (issue 17): the same records as CSV, TSV,
//! XLSX, ODS, JSON, JSON Lines and DOCX give, record by record, exactly the findings
//! of the same texts checked as `.txt` files; bad rows are per-record errors and the
//! run goes on; the columns come from the command line or `[export]`; the export is
//! never written to; and the SARIF, CSV and JSON Lines reports are well formed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Records as a practitioner's export holds them: (id, team, date, text). English
/// and Welsh, several paragraphs, quotes, commas, line breaks, non-ASCII letters,
/// and a note starting with "=" that a spreadsheet would take for a formula.
const RECORDS: &[(&str, &str, &str, &str)] = &[
    ("C-1001", "North", "2026-01-14", "Home visit to Mr Evans. He was very aggressive when I arrived and I will commence a review of his support.\n\nWe agreed I would signpost him to the carers' group, which he said he would think about."),
    ("C-1002", "North", "2026-02-03", "Phone call with Sara's daughter, who said, \"Mum is managing better since the new rota.\" Sara told me, \"I like the morning calls, they help me get up.\"\n\nNo concerns were raised. Next review in three months."),
    ("C-1003", "South", "2026-02-19", "Outcome: attend day centre twice a week.\nMrs Hughes appears confused and non-compliant with medication; it was decided to increase calls."),
    ("C-1004", "South", "2026-03-05", "Ymweliad cartref â Mr Jones. Roedd e'n ymosodol iawn a bydd y gweithiwr yn cychwyn adolygiad o'i gymorth.\n\nCytunwyd y byddwn yn ei gyfeirio at y grŵp gofalwyr."),
    ("C-1005", "West", "2026-03-22", "Canlyniad: mynychu'r ganolfan ddydd ddwywaith yr wythnos.\nDywedodd Mrs Williams, \"Rydw i eisiau aros gartref.\" Penderfynwyd cynyddu'r galwadau."),
    ("C-1006", "West", "2026-04-01", "=Risk: high. Client is difficult and has poor engagement with services, as per previous assessments, etc."),
];

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cofnod-exports-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cofnod(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cofnod")).args(args).env("COFNOD_MODELS", "off").current_dir(dir).output().unwrap()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// What a finding says, independent of where the text came from.
fn findings(file: &Value) -> Vec<String> {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}:{}-{}:{} {}", f["rule"].as_str().unwrap(), f["start"]["line"], f["start"]["column"], f["end"]["line"], f["end"]["column"], f["message"].as_str().unwrap()))
        .collect()
}

/// The findings of each record text checked as its own `.txt` file (once: the
/// tests run in parallel).
fn expected() -> Vec<Vec<String>> {
    static EXPECTED: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    EXPECTED.get_or_init(txt_findings).clone()
}

fn txt_findings() -> Vec<Vec<String>> {
    let dir = scratch("txt");
    for (i, (_, _, _, text)) in RECORDS.iter().enumerate() {
        std::fs::write(dir.join(format!("{i}.txt")), text).unwrap();
    }
    let o = cofnod(&["check", "--format", "json", "."], &dir);
    let report = json_of(&o);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), RECORDS.len());
    let out: Vec<Vec<String>> = files.iter().map(findings).collect();
    // The texts do have findings, or the comparison would prove little.
    assert!(out.iter().filter(|f| !f.is_empty()).count() >= 5, "{out:?}");
    out
}

/// Checks an export and compares it record by record with the `.txt` findings.
fn assert_same_as_txt(dir: &Path, file: &str, extra: &[&str], first_row: u64) {
    let mut args = vec!["check", "--format", "json", "--id-column", "id", "--group-column", "team", "--date-column", "date"];
    args.extend_from_slice(extra);
    args.push(file);
    let before = listing(dir);
    let o = cofnod(&args, dir);
    assert_eq!(listing(dir), before, "cofnod wrote next to the export");
    let report = json_of(&o);
    let files = report["files"].as_array().unwrap();
    let want = expected();
    assert_eq!(files.len(), RECORDS.len(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
    for (i, (f, (id, team, date, _))) in files.iter().zip(RECORDS).enumerate() {
        assert_eq!(f["path"], file);
        assert_eq!(f["error"], Value::Null, "{file} record {i}");
        assert_eq!(f["record"]["row"], first_row + i as u64, "{file} record {i}");
        assert_eq!(f["record"]["id"], *id, "{file} record {i}");
        assert_eq!(f["record"]["group"], *team);
        assert_eq!(f["record"]["date"], *date);
        assert_eq!(findings(f), want[i], "{file} record {i} ({id})");
    }
    assert_eq!(report["summary"]["records"], RECORDS.len());
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut l: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().len()))
        .collect();
    l.sort();
    l
}

fn write_csv(path: &Path, delimiter: u8) {
    let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_path(path).unwrap();
    w.write_record(["id", "team", "date", "Case note"]).unwrap();
    for (id, team, date, text) in RECORDS {
        w.write_record([id, team, date, text]).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn csv_and_tsv_records_give_the_findings_of_the_same_texts_as_files() {
    let dir = scratch("csv");
    write_csv(&dir.join("export.csv"), b',');
    assert_same_as_txt(&dir, "export.csv", &[], 2);
    write_csv(&dir.join("export.tsv"), b'\t');
    assert_same_as_txt(&dir, "export.tsv", &[], 2);
    // Excel in much of Europe separates with semicolons.
    write_csv(&dir.join("semicolons.csv"), b';');
    assert_same_as_txt(&dir, "semicolons.csv", &[], 2);
}

#[test]
fn a_utf16_export_reads_as_its_utf8_twin() {
    let dir = scratch("utf16");
    write_csv(&dir.join("plain.tsv"), b'\t');
    let text = std::fs::read_to_string(dir.join("plain.tsv")).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(dir.join("unicode.tsv"), utf16).unwrap();
    std::fs::remove_file(dir.join("plain.tsv")).unwrap();
    assert_same_as_txt(&dir, "unicode.tsv", &[], 2);
}

#[test]
fn xlsx_records_give_the_findings_of_the_same_texts_as_files() {
    let dir = scratch("xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    // A first sheet that is not the export: --sheet chooses.
    book.add_worksheet().set_name("About").unwrap().write_string(0, 0, "Exported from the case system").unwrap();
    let sheet = book.add_worksheet().set_name("Contacts").unwrap();
    // The table starts a row down and a column in, as exports with a title do.
    sheet.write_string(0, 1, "Contacts export").unwrap();
    for (c, h) in ["ID", "Team", "Date", "Case Note"].iter().enumerate() {
        sheet.write_string(1, 1 + c as u16, *h).unwrap();
    }
    for (r, (id, team, date, text)) in RECORDS.iter().enumerate() {
        let row = 2 + r as u32;
        sheet.write_string(row, 1, *id).unwrap();
        sheet.write_string(row, 2, *team).unwrap();
        // Dates as real date cells, which must come back as ISO dates.
        let (y, m, d) = (date[..4].parse().unwrap(), date[5..7].parse().unwrap(), date[8..].parse().unwrap());
        let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        sheet.write_datetime_with_format(row, 3, &rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d).unwrap(), &format).unwrap();
        sheet.write_string(row, 4, *text).unwrap();
    }
    book.save(dir.join("export.xlsx")).unwrap();
    // The title row above the table is passed over; sheet names match in any case.
    assert_same_as_txt(&dir, "export.xlsx", &["--sheet", "contacts"], 3);
    // A sheet that is not there is named, with the sheets there are.
    let o = cofnod(&["check", "--format", "json", "--sheet", "Visits", "export.xlsx"], &dir);
    assert_eq!(json_of(&o)["files"][0]["error"], "no sheet called \"Visits\" (the sheets are \"About\", \"Contacts\")");
    assert_eq!(o.status.code(), Some(3));
}

/// A minimal OpenDocument spreadsheet: the table as content.xml in a zip.
fn write_ods(path: &Path) {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;");
    let cell = |s: &str| {
        let paragraphs: String = s.split('\n').map(|p| format!("<text:p>{}</text:p>", esc(p))).collect();
        format!("<table:table-cell office:value-type=\"string\">{paragraphs}</table:table-cell>")
    };
    let mut rows = format!("<table:table-row>{}</table:table-row>", ["id", "team", "date", "notes"].map(cell).concat());
    for (id, team, date, text) in RECORDS {
        rows.push_str(&format!("<table:table-row>{}{}{}{}</table:table-row>", cell(id), cell(team), cell(date), cell(text)));
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Sheet1\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>").unwrap();
    zip.finish().unwrap();
}

#[test]
fn ods_records_give_the_findings_of_the_same_texts_as_files() {
    let dir = scratch("ods");
    write_ods(&dir.join("export.ods"));
    assert_same_as_txt(&dir, "export.ods", &[], 2);
}

#[test]
fn json_arrays_and_json_lines_give_the_findings_of_the_same_texts_as_files() {
    let dir = scratch("json");
    let objects: Vec<Value> = RECORDS
        .iter()
        .map(|(id, team, date, text)| serde_json::json!({ "id": id, "team": team, "date": date, "narrative": text, "extra": { "nested": true } }))
        .collect();
    std::fs::write(dir.join("export.json"), serde_json::to_vec_pretty(&objects).unwrap()).unwrap();
    assert_same_as_txt(&dir, "export.json", &[], 1);
    let lines: String = objects.iter().map(|o| format!("{o}\n")).collect();
    std::fs::write(dir.join("export.jsonl"), lines).unwrap();
    assert_same_as_txt(&dir, "export.jsonl", &[], 1);
}

/// A minimal Word document: one paragraph per paragraph of the text.
fn write_docx(path: &Path, text: &str) {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let body: String = text
        .split("\n\n")
        .map(|p| {
            let runs: Vec<String> = p.split('\n').map(|line| format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(line))).collect();
            format!("<w:p><w:r>{}</w:r></w:p>", runs.join("<w:br/>"))
        })
        .collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn word_documents_give_the_findings_of_the_same_texts_as_files() {
    let dir = scratch("docx");
    for (i, (_, _, _, text)) in RECORDS.iter().enumerate() {
        write_docx(&dir.join(format!("{i}.docx")), text);
    }
    let before = listing(&dir);
    let o = cofnod(&["check", "--format", "json", "."], &dir);
    assert_eq!(listing(&dir), before);
    let report = json_of(&o);
    let files = report["files"].as_array().unwrap();
    let want = expected();
    assert_eq!(files.len(), RECORDS.len());
    for (i, f) in files.iter().enumerate() {
        assert_eq!(f["path"], format!("./{i}.docx"));
        assert_eq!(f["record"], Value::Null, "a Word document is a note, not a row");
        assert_eq!(findings(f), want[i], "document {i}");
    }
    // A file named .docx that is not one is an error for that file only.
    std::fs::write(dir.join("9.docx"), "not a zip").unwrap();
    let o = cofnod(&["check", "--format", "json", "."], &dir);
    let report = json_of(&o);
    assert_eq!(report["files"][RECORDS.len()]["error"], "not a readable Word document (.docx)");
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn bad_rows_are_per_record_errors_and_the_run_goes_on() {
    let dir = scratch("bad-rows");
    // A UTF-8 export with one row of Windows-1252 bytes, and one row with no text.
    let mut bytes = "id,note\n1,Mr Ŵ was very aggressive.\n2,".as_bytes().to_vec();
    bytes.extend_from_slice(b"Caf\xe9 visit was very aggressive.\n3,\n4,I will commence the review.\n");
    std::fs::write(dir.join("export.csv"), bytes).unwrap();
    let o = cofnod(&["check", "--format", "json", "export.csv"], &dir);
    let report = json_of(&o);
    let files = report["files"].as_array().unwrap();
    let errors: Vec<&Value> = files.iter().map(|f| &f["error"]).collect();
    assert_eq!(
        errors,
        [&Value::Null, &Value::from("the text is not valid UTF-8, unlike the rest of the file; not checked"), &Value::from("no text in column \"note\""), &Value::Null]
    );
    assert_eq!(files.iter().map(|f| f["record"]["row"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 3, 4, 5]);
    assert!(!files[3]["findings"].as_array().unwrap().is_empty());
    assert_eq!(o.status.code(), Some(3));
    // The errors name the record, never its text.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("export.csv row 3: the text is not valid UTF-8"), "{stderr}");
    assert!(!stderr.contains("Caf"), "{stderr}");

    // JSON Lines: a line that is not JSON, and one that is not an object.
    std::fs::write(dir.join("export.jsonl"), "{\"text\":\"I will commence the review.\"}\n{\"text\": \"Tom was very aggr\nnot JSON at all\n[1,2]\n\n{\"text\":\"Visit went well.\"}\n").unwrap();
    let o = cofnod(&["check", "--format", "json", "export.jsonl"], &dir);
    let report = json_of(&o);
    let files = report["files"].as_array().unwrap();
    let rows: Vec<(u64, Value)> = files.iter().map(|f| (f["record"]["row"].as_u64().unwrap(), f["error"].clone())).collect();
    assert_eq!(
        rows,
        [
            (1, Value::Null),
            (2, Value::from("JSON that ends too soon; not checked")),
            (3, Value::from("not valid JSON (or nested too deeply); not checked")),
            (4, Value::from("not a JSON object; not checked")),
            (6, Value::Null)
        ]
    );
}

#[test]
fn without_a_note_column_the_error_names_the_columns_found() {
    let dir = scratch("no-column");
    std::fs::write(dir.join("export.csv"), "Record,Worker,Entry date\n1,AB,2026-01-01\n").unwrap();
    std::fs::write(dir.join("other.txt"), "I will commence the review.\n").unwrap();
    let o = cofnod(&["check", "export.csv", "other.txt"], &dir);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("export.csv: error: no column of note text found (the columns are \"Record\", \"Worker\", \"Entry date\"); name it with --column"),
        "{stdout}"
    );
    // The other file is still checked.
    assert!(stdout.contains("other.txt:1:8: plain-language"), "{stdout}");
    assert_eq!(o.status.code(), Some(3));
    // A column named that is not there.
    let o = cofnod(&["check", "--column", "Narrative", "export.csv"], &dir);
    assert!(String::from_utf8_lossy(&o.stdout).contains("no text column called \"Narrative\" (the columns are \"Record\", \"Worker\", \"Entry date\")"));
    // A detected column is named on standard error.
    std::fs::write(dir.join("export.csv"), "Record,Contact narrative\n1,I will commence the review.\n").unwrap();
    let o = cofnod(&["check", "export.csv"], &dir);
    assert!(String::from_utf8_lossy(&o.stderr).contains("checking the column \"Contact narrative\" (choose others with --column)"));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn several_text_columns_are_joined_as_paragraphs_and_config_sets_the_columns() {
    let dir = scratch("config");
    std::fs::write(dir.join("export.csv"), "ref,situation,plan,who\nA1,He was very aggressive.,I will commence the review.,Team A\n").unwrap();
    let o = cofnod(&["check", "--format", "json", "--column", "situation", "--column", "plan", "--id-column", "ref", "export.csv"], &dir);
    let report = json_of(&o);
    let f = &report["files"][0];
    assert_eq!(f["record"]["id"], "A1");
    let lines: Vec<u64> = f["findings"].as_array().unwrap().iter().map(|f| f["start"]["line"].as_u64().unwrap()).collect();
    // The plan is the third line: a blank line separates the two columns.
    assert!(lines.contains(&1) && lines.contains(&3), "{lines:?}");

    std::fs::write(dir.join("cofnod.toml"), "[export]\ncolumns = [\"situation\", \"plan\"]\nid_column = \"ref\"\ngroup_column = \"who\"\n").unwrap();
    let from_config = json_of(&cofnod(&["check", "--format", "json", "export.csv"], &dir));
    assert_eq!(from_config["files"][0]["findings"], f["findings"]);
    assert_eq!(from_config["files"][0]["record"]["group"], "Team A");
    // The command line wins.
    let o = cofnod(&["check", "--format", "json", "--column", "plan", "export.csv"], &dir);
    let report = json_of(&o);
    assert_eq!(report["files"][0]["findings"].as_array().unwrap().len(), 1);
    // A misspelt key is refused, naming the file.
    std::fs::write(dir.join("cofnod.toml"), "[export]\ncolumn = \"plan\"\n").unwrap();
    let o = cofnod(&["check", "--format", "json", "export.csv"], &dir);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cofnod.toml"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn anonymise_and_lang_are_refused_where_they_would_do_nothing() {
    let dir = scratch("refused");
    write_csv(&dir.join("export.csv"), b',');
    for args in [&["check", "--anonymise", "export.csv"][..], &["check", "--format", "json", "--anonymise", "export.csv"], &["check", "--lang", "cy", "export.csv"]] {
        let o = cofnod(args, &dir);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn the_report_never_overwrites_an_input() {
    let dir = scratch("overwrite");
    write_csv(&dir.join("export.csv"), b',');
    let before = std::fs::read(dir.join("export.csv")).unwrap();
    let o = cofnod(&["check", "--format", "csv", "--out", "export.csv", "export.csv"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is one of the files being checked"));
    assert_eq!(std::fs::read(dir.join("export.csv")).unwrap(), before);
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let dir = scratch("sarif");
    write_csv(&dir.join("export.csv"), b',');
    std::fs::write(dir.join("note one.txt"), "I will commence the review. He was very aggressive.\n").unwrap();
    std::fs::write(dir.join("empty.csv"), "id,team,note\n1,A,\n").unwrap();
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json")).unwrap()).unwrap();
    let validator = jsonschema::options().with_draft(jsonschema::Draft::Draft7).should_validate_formats(false).build(&schema).unwrap();
    for args in [&["check", "--format", "sarif", "--id-column", "id", "--group-column", "team", "."][..], &["check", "--format", "sarif", "--anonymise", "--id-column", "id", "export.csv"][..]] {
        let o = cofnod(args, &dir);
        let sarif = json_of(&o);
        let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        // Every finding of the JSON report of the same run is a result.
        let json_args: Vec<&str> = args.iter().map(|a| if *a == "sarif" { "json" } else { a }).filter(|a| *a != "--anonymise").collect();
        let json = json_of(&cofnod(&json_args, &dir));
        assert_eq!(results.len(), json["summary"]["findings"].as_u64().unwrap() as usize);
        let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        for r in results {
            assert!(rules.contains(&r["ruleId"].as_str().unwrap()));
        }
        if args.contains(&"--anonymise") {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(!text.contains("C-1001") && text.contains("Record 1"), "ids are replaced");
        } else {
            // A note's result points at its line and column; a record's names its row.
            let note = results.iter().find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "./note%20one.txt").unwrap();
            assert_eq!(note["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
            let record = results.iter().find(|r| r["properties"]["id"] == "C-1001").unwrap();
            assert_eq!(record["properties"]["row"], 2);
            assert_eq!(record["locations"][0]["logicalLocations"][0]["name"], "row 2");
            let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
            assert!(notes[0]["message"]["text"].as_str().unwrap().contains("empty.csv row 2 (id 1): no text"), "{notes}");
        }
    }
}

#[test]
fn csv_and_json_lines_reports_have_a_row_per_finding_and_a_line_per_record() {
    let dir = scratch("csv-report");
    write_csv(&dir.join("export.csv"), b',');
    let o = cofnod(&["check", "--format", "csv", "--id-column", "id", "--group-column", "team", "export.csv"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"), "Excel needs the byte order mark");
    let mut reader = csv::Reader::from_reader(&o.stdout[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "path");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let per_record: BTreeMap<String, usize> = rows.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r[2].to_string()).or_default() += 1;
        m
    });
    let want = expected();
    for (i, (id, ..)) in RECORDS.iter().enumerate() {
        assert_eq!(per_record.get(*id).copied().unwrap_or(0), want[i].len(), "{id}");
    }
    // A note starting "=" is not a formula in the manager's spreadsheet.
    assert!(rows.iter().all(|r| !r.iter().any(|c| c.starts_with('='))));

    let o = cofnod(&["check", "--format", "jsonl", "export.csv"], &dir);
    let lines: Vec<Value> = o.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    assert_eq!(lines.len(), RECORDS.len() + 1);
    assert_eq!(lines[RECORDS.len()]["summary"]["records"], RECORDS.len());
    for (i, l) in lines[..RECORDS.len()].iter().enumerate() {
        assert_eq!(findings(l), want[i]);
    }
}

#[test]
fn a_plain_folder_walk_picks_up_exports_and_word_documents() {
    let dir = scratch("walk");
    write_csv(&dir.join("export.csv"), b',');
    write_docx(&dir.join("letter.docx"), RECORDS[0].3);
    std::fs::write(dir.join("note.md"), RECORDS[2].3).unwrap();
    std::fs::write(dir.join("picture.png"), b"\x89PNG").unwrap();
    let o = cofnod(&["check", "."], &dir);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let summary = stdout.lines().last().unwrap();
    assert!(summary.starts_with(&format!("{} records and 2 files checked: ", RECORDS.len())), "{summary}");
    assert!(stdout.contains("1 skipped (not a note, a Word document or an export)"), "{stdout}");
}

#[test]
fn broken_and_hostile_exports_are_errors_for_their_file_and_the_run_goes_on() {
    let dir = scratch("hostile");
    // Garbage with an export's name, a truncated workbook, JSON nested past any
    // sensible depth, a top-level JSON string, and a CSV header with no rows.
    std::fs::write(dir.join("a.xlsx"), b"\x00\x01 not a workbook SECRET-1").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "note").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    std::fs::write(dir.join("b.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(dir.join("c.json"), format!("{}SECRET-2{}", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
    std::fs::write(dir.join("d.json"), "\"SECRET-3\"").unwrap();
    std::fs::write(dir.join("e.csv"), "id,note\n").unwrap();
    std::fs::write(dir.join("f.ods"), b"PK\x03\x04 SECRET-4").unwrap();
    std::fs::write(dir.join("g.txt"), "I will commence the review.\n").unwrap();
    let o = cofnod(&["check", "--format", "json", "."], &dir);
    let report = json_of(&o);
    let files = report["files"].as_array().unwrap();
    let by_path: BTreeMap<String, Value> = files.iter().map(|f| (f["path"].as_str().unwrap().to_string(), f["error"].clone())).collect();
    for name in ["a.xlsx", "b.xlsx", "c.json", "d.json", "f.ods"] {
        let error = by_path[&format!("./{name}")].as_str().unwrap_or_else(|| panic!("{name} has no error: {by_path:?}"));
        assert!(!error.contains("SECRET"), "{name}: {error}");
        assert!(!error.contains("internal error"), "{name}: {error}");
    }
    // A header and no rows: nothing to check, and no error.
    let empty = files.iter().find(|f| f["path"] == "./e.csv").unwrap();
    assert_eq!((&empty["error"], &empty["empty"]), (&Value::Null, &Value::Bool(true)));
    assert_eq!(by_path["./g.txt"], Value::Null);
    assert_eq!(o.status.code(), Some(3));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("SECRET"));
}
