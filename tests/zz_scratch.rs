use pmoc::base::FileId;
use pmoc::format::{self, Outcome, comments};
#[test]
fn scratch() {
    let all = std::fs::read_to_string("/tmp/f19/cases.txt").unwrap();
    for case in all.split("\n=====\n") {
        let case = case.replace("\\r", "\r");
        if pmoc::syntax::parse(FileId(0), &case).is_err() {
            eprintln!("SYNTAX {case:?}");
            continue;
        }
        match format::format(FileId(0), &case) {
            Outcome::Formatted(out) => {
                let ok = comments::same(&case, &out);
                let again = matches!(format::format(FileId(0), &out), Outcome::Formatted(ref a) if *a == out);
                eprintln!("OK comments={ok} stable={again} {case:?}\n   => {out:?}");
            }
            other => eprintln!("NO {case:?} => {other:?}"),
        }
    }
}
