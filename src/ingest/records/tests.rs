//! Records from delimited text and JSON: delimiters, quoted line breaks, line numbers for every
//! line end, ragged rows, unclosed quotes, empty lines of one-column files, flattened objects.

use super::*;

fn all(body: &Body) -> Vec<(Location, Vec<String>)> {
    let mut out = Vec::new();
    body.for_each("t", 0, |loc, rec| {
        out.push((loc, rec.iter().map(String::from).collect()));
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn sniffs_each_delimiter() {
    assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
    assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3\n"), b';');
    assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
    assert_eq!(sniff_delimiter("a|b\n1|2\n"), b'|');
    assert_eq!(sniff_delimiter("score\n9\n10\n"), b',');
    // Commas inside quoted comments must not win over the real delimiter.
    assert_eq!(
        sniff_delimiter("id;comment\n1;\"a, b, c, d\"\n2;\"e, f\"\n"),
        b';'
    );
}

#[test]
fn quoted_newlines_keep_their_record_and_line() {
    let body = parse_text(
        "t",
        "id,comment\n1,\"two\nlines\"\n2,ok\n".into(),
        InputFormat::Csv,
        None,
    )
    .unwrap();
    let rows = all(&body);
    assert_eq!(rows[1].0, Location::Line(2));
    assert_eq!(rows[1].1[1], "two\nlines");
    assert_eq!(rows[2].0, Location::Line(4));
}

#[test]
fn lines_are_counted_like_an_editor_for_every_line_ending() {
    for text in [
        "id,score\r\na,x\r\nb,y\r\n",
        "id,score\na,x\nb,y\n",
        "id,score\ra,x\rb,y\r",
    ] {
        let body = parse_text("t", text.into(), InputFormat::Csv, None).unwrap();
        let lines: Vec<Location> = all(&body).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            lines,
            [Location::Line(1), Location::Line(2), Location::Line(3)],
            "{text:?}"
        );
    }
    // A quoted field spanning a CRLF moves the next record down two lines.
    let body = parse_text(
        "t",
        "a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n".into(),
        InputFormat::Csv,
        None,
    )
    .unwrap();
    let lines: Vec<Location> = all(&body).into_iter().map(|(l, _)| l).collect();
    assert_eq!(
        lines,
        [Location::Line(1), Location::Line(2), Location::Line(4)]
    );
    let ragged = parse_text(
        "r",
        "a,b\r\n1,2\r\n3,4,5\r\n".into(),
        InputFormat::Csv,
        None,
    )
    .unwrap();
    let err = ragged.for_each("r", 1, |_, _| Ok(())).unwrap_err();
    assert!(err.to_string().starts_with("r, line 3:"), "{err}");
}

#[test]
fn empty_lines_of_a_one_column_file_are_records_on_their_line() {
    // Finding F11. Empty lines before the header are not records; the line end of the last
    // record starts none.
    for text in [
        "\nscore\n9\n\n\nx\n",
        "\r\nscore\r\n9\r\n\r\n\r\nx\r\n",
        "\rscore\r9\r\r\rx",
    ] {
        let body = parse_text("t", text.into(), InputFormat::Csv, None).unwrap();
        let rows = all(&body);
        let expected: Vec<(Location, Vec<String>)> =
            [(2, "score"), (3, "9"), (4, ""), (5, ""), (6, "x")]
                .into_iter()
                .map(|(line, cell)| (Location::Line(line), vec![cell.to_string()]))
                .collect();
        assert_eq!(rows, expected, "{text:?}");
        assert_eq!(body.head("t", 10).unwrap().len(), 5, "{text:?}");
    }
    // A quoted field keeps its empty lines; several columns skip them.
    let body = parse_text("t", "s\n\"1\n\n2\"\n\n".into(), InputFormat::Csv, None).unwrap();
    let cells: Vec<String> = all(&body).into_iter().map(|(_, c)| c[0].clone()).collect();
    assert_eq!(cells, ["s", "1\n\n2", ""]);
    let body = parse_text("t", "a,b\n1,2\n\n3,4\n\n".into(), InputFormat::Csv, None).unwrap();
    assert_eq!(all(&body).len(), 3);
}

#[test]
fn ragged_rows_name_their_line() {
    let body = parse_text("r.csv", "a,b\n1,2\n3,4,5\n".into(), InputFormat::Csv, None).unwrap();
    let err = body.for_each("r.csv", 1, |_, _| Ok(())).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("r.csv, line 3: this row has 3 fields where the header has 2"),
        "{err}"
    );
}

#[test]
fn an_unclosed_quote_in_the_last_field_is_caught() {
    let body = parse_text(
        "q.csv",
        "a,b\n1,\"open\n2,3\n".into(),
        InputFormat::Csv,
        None,
    )
    .unwrap();
    let err = body.for_each("q.csv", 1, |_, _| Ok(())).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("q.csv, line 2: a quoted field opens here"),
        "{err}"
    );
    // A legitimately quoted last field is not mistaken for one.
    let ok = parse_text(
        "q.csv",
        "a,b\n1,\"x\"\"y\nz\"\n".into(),
        InputFormat::Csv,
        None,
    )
    .unwrap();
    assert!(ok.for_each("q.csv", 1, |_, _| Ok(())).is_ok());
}

#[test]
fn json_objects_are_flattened_under_the_union_of_keys() {
    let text = r#"[{"score": 9, "person": {"email": "a@x"}}, {"score": null, "extra": true}]"#;
    let body = parse_text("j", text.into(), InputFormat::Json, None).unwrap();
    let rows = all(&body);
    assert_eq!(rows[0].1, ["person.email", "score", "extra"]);
    assert_eq!(
        rows[1],
        (
            Location::Record(1),
            vec!["a@x".into(), "9".into(), "".into()]
        )
    );
    assert_eq!(rows[2].1, ["", "", "true"]);
}

#[test]
fn ndjson_errors_name_the_line() {
    let err = parse_text(
        "n",
        "{\"score\": 9}\n\n{\"score\": \n".into(),
        InputFormat::Ndjson,
        None,
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("n, line 3:"), "{err}");
}

#[test]
fn the_line_counter_agrees_with_counting_byte_by_byte_in_any_order() {
    // LF, CRLF and lone CR line ends, a CRLF at every possible cut, empty lines.
    let text = b"a,b\r\nc\rd\n\r\n\ne\r\r\nf,\"g\"\r\nh\n\r";
    let by_bytes = |byte: usize| {
        1 + (0..byte)
            .filter(|&i| match text[i] {
                b'\n' => true,
                b'\r' => text.get(i + 1) != Some(&b'\n'),
                _ => false,
            })
            .count() as u64
    };
    let mut counter = LineCounter::new(text);
    // Forwards, backwards, and jumping about: every answer is the byte loop's.
    let order: Vec<usize> = (0..=text.len())
        .chain((0..=text.len()).rev())
        .chain([7, 2, 19, 4, 4, 25, 0, 11])
        .collect();
    for byte in order {
        assert_eq!(counter.line_exact(byte), by_bytes(byte), "byte {byte}");
    }
}
